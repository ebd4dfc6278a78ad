package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// server is a 'progress serve' process on a loopback port with dev auth.
type server struct {
	URL   string
	Token string // admin: may write any learner, so one token drives them all
	cmd   *exec.Cmd
	logs  bytes.Buffer
}

func startServer(progress, storeURL, dir string, extra ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	key := filepath.Join(dir, "dev.key")
	s := &server{URL: "http://" + addr}
	s.cmd = exec.Command(progress, "serve", "--"+settings.Addr.Flag, addr, "--"+settings.Store.Flag, storeURL,
		"--"+settings.Auth.Flag, settings.AuthDev, "--"+settings.DevKeyFile.Flag, key, "--"+settings.LogLevel.Flag, "warn")
	s.cmd.Args = append(s.cmd.Args, extra...)
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + settings.ReadyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("server on %s not ready: %v\n%s", storeURL, err, s.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := exec.Command(progress, "token", "--user", "bench-ops", "--admin", "--"+settings.DevKeyFile.Flag, key).Output()
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("progress token: %w", err)
	}
	s.Token = strings.TrimSpace(string(out))
	return s, nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// waitCtx is a context bounded by d.
func waitCtx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
