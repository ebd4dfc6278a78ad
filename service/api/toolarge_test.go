package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/store"
)

// A body over 1 MiB reaches an ordinary HTTP client as a 413, every time,
// whether it declares its length or is chunked, over a real loopback
// connection to a server configured as in production; and it stores
// nothing.
func TestOversizedBodyIsAlways413(t *testing.T) {
	// Small socket buffers, as on a real network path: on loopback the
	// kernel would otherwise take the whole body before the server answers,
	// and a client cut off mid-send would go unnoticed.
	ln, err := (&net.ListenConfig{Control: smallBuffers(syscall.SO_RCVBUF)}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, st := productionServer(t, ln)
	client := &http.Client{Transport: &http.Transport{
		DialContext: (&net.Dialer{Control: smallBuffers(syscall.SO_SNDBUF)}).DialContext,
	}}

	// Valid JSON, 1.1 MiB: a batch whose padding pushes it over the limit.
	body := []byte(`{"events":[],"pad":"` + strings.Repeat("x", api.MaxBodyBytes+api.MaxBodyBytes/10) + `"}`)
	tok := token(t, "ada", false)
	for i := range 40 {
		var reader io.Reader = bytes.NewReader(body)
		chunked := i%2 == 1
		if chunked {
			reader = io.MultiReader(bytes.NewReader(body)) // no length: sent chunked
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/users/ada/courses/c1/events", reader)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d (chunked %v): %v; want a 413, not a transport error", i, chunked, err)
		}
		var e struct{ Error struct{ Code string } }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Code != api.CodeTooLarge {
			t.Fatalf("request %d (chunked %v): %d %q, want 413 %s", i, chunked, resp.StatusCode, e.Error.Code, api.CodeTooLarge)
		}
	}
	// curl, uploading at 1 MB/s: slower than the 500 ms Go's server waits
	// before closing a connection whose body it did not read, so without
	// the drain curl is cut off mid-send (a broken pipe or a reset).
	if curl, err := exec.LookPath("curl"); err != nil {
		t.Fatalf("curl is missing: %v", err)
	} else {
		file := filepath.Join(t.TempDir(), "body.json")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			args := []string{"-sS", "--limit-rate", "1M", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + file,
				"-H", "Authorization: Bearer " + tok, "-H", "Content-Type: application/json", srv.URL + "/v1/users/ada/courses/c1/events"}
			if i%2 == 1 {
				args = append(args, "-H", "Transfer-Encoding: chunked")
			}
			out, err := exec.Command(curl, args...).CombinedOutput()
			if err != nil || string(out) != "413" {
				t.Fatalf("curl %d: %v %q, want 413", i, err, out)
			}
		}
	}
	if _, err := st.Get(context.Background(), store.Key{UserID: "ada", CourseID: "c1"}); err != store.ErrNotFound {
		t.Errorf("an oversized request stored something: %v", err)
	}
}

// smallBuffers sets a socket's buffer (opt) to 16 KiB.
func smallBuffers(opt int) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt, 16<<10) })
		if err != nil {
			return err
		}
		return serr
	}
}
