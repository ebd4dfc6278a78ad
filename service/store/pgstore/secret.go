package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretScheme names a store whose credentials live in Secrets Manager:
// postgres-secret://SECRET_ARN, as the EC2 variant passes it.
const SecretScheme = "postgres-secret"

// rdsSecret is the JSON that RDS generates for a database's credentials.
type rdsSecret struct {
	Username string          `json:"username"`
	Password string          `json:"password"`
	Host     string          `json:"host"`
	Port     json.RawMessage `json:"port"`
	DBName   string          `json:"dbname"`
	Engine   string          `json:"engine"`
}

// URLFromSecret builds a connection URL from an RDS-generated secret. RDS
// requires TLS, so the URL asks for it unless sslmode is given.
func URLFromSecret(secretJSON []byte, sslmode string) (string, error) {
	var s rdsSecret
	if err := json.Unmarshal(secretJSON, &s); err != nil {
		return "", fmt.Errorf("database secret is not JSON: %w", err)
	}
	var missing []string
	for name, v := range map[string]string{"username": s.Username, "password": s.Password, "host": s.Host} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("database secret lacks %v", missing)
	}
	port := 5432
	if len(s.Port) > 0 {
		// RDS writes port as a number; people who write secrets by hand
		// often write a string.
		var n int
		var str string
		switch {
		case json.Unmarshal(s.Port, &n) == nil:
			port = n
		case json.Unmarshal(s.Port, &str) == nil:
			p, err := strconv.Atoi(str)
			if err != nil {
				return "", fmt.Errorf("database secret port %q is not a number", str)
			}
			port = p
		default:
			return "", errors.New("database secret port is neither a number nor a string")
		}
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("database secret port %d is out of range", port)
	}
	db := s.DBName
	if db == "" {
		db = "postgres"
	}
	if sslmode == "" {
		sslmode = "verify-full"
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(s.Username, s.Password),
		Host:     net.JoinHostPort(s.Host, strconv.Itoa(port)),
		Path:     "/" + db,
		RawQuery: url.Values{"sslmode": {sslmode}}.Encode(),
	}
	return u.String(), nil
}

// ParseSecretURL reads postgres-secret://SECRET_ID[?sslmode=...] and returns
// the secret id (an ARN or a name) and the requested sslmode.
func ParseSecretURL(raw string) (secretID, sslmode string, err error) {
	const prefix = SecretScheme + "://"
	if len(raw) <= len(prefix) || raw[:len(prefix)] != prefix {
		return "", "", fmt.Errorf("want %sSECRET_ARN", prefix)
	}
	rest := raw[len(prefix):]
	id, query, _ := cutLast(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", "", fmt.Errorf("%s URL query: %w", SecretScheme, err)
	}
	if id == "" {
		return "", "", fmt.Errorf("%s URL has no secret id", SecretScheme)
	}
	return id, q.Get("sslmode"), nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// ResolveSecretURL fetches the secret that a postgres-secret:// URL names
// and returns a postgres:// URL. It calls AWS Secrets Manager.
func ResolveSecretURL(ctx context.Context, raw string) (string, error) {
	id, sslmode, err := ParseSecretURL(raw)
	if err != nil {
		return "", err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return "", fmt.Errorf("aws config: %w", err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})
	if err != nil {
		return "", fmt.Errorf("read database secret: %w", err)
	}
	if out.SecretString == nil {
		return "", errors.New("database secret has no string value")
	}
	return URLFromSecret([]byte(*out.SecretString), sslmode)
}
