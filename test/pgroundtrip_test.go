package test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
)

// A POST to PostgreSQL is one round trip: the events and, when the answer
// is the course, the read of it go out together, and a write answered
// with return=minimal reads nothing back. A proxy between the store and
// the server counts, on the wire, the client's turns (a turn is what the
// client sends before the server next answers) and the statements it
// binds (the protocol's Bind messages).
func TestPostgresWriteIsOneRoundTrip(t *testing.T) {
	u, err := url.Parse(testenv.PostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Query().Get("sslmode") != "disable" {
		t.Fatalf("the proxy reads the protocol in the clear; the test database's URL has sslmode=%q", u.Query().Get("sslmode"))
	}
	wire := newWireCounter(t, u.Host)
	u.Host = wire.addr
	// One connection, so every statement the store prepares is prepared
	// by the warm-up below and what is counted after it is the steady state.
	s := openPG(t, u.String(), pgstore.Options{MaxConns: 1})
	ctx := context.Background()
	k := store.Key{UserID: "u", CourseID: "c"}
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	write := func(i int, ret store.Return) {
		t.Helper()
		p := float64(i)
		ev := progress.Event{ID: "e" + string(rune('a'+i)), LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: at.Add(time.Duration(i) * time.Second), Device: "web"}
		c, err := s.Record(ctx, k, []progress.Event{ev}, ret)
		if err != nil {
			t.Fatal(err)
		}
		if (ret == store.ReturnCourse) != (c != nil) {
			t.Fatalf("Record with %v answered %v", ret, c)
		}
	}
	write(0, store.ReturnNothing)
	write(1, store.ReturnCourse)

	for i, c := range []struct {
		ret         store.Return
		name        string
		bound, turn int
	}{
		{store.ReturnNothing, "return=minimal", 1, 1},
		{store.ReturnCourse, "the merged course", 2, 1},
	} {
		wire.reset()
		write(2+i, c.ret)
		if turns, binds := wire.counts(); turns != c.turn || binds != c.bound {
			t.Errorf("a write answered with %s: %d round trips and %d statements, want %d and %d", c.name, turns, binds, c.turn, c.bound)
		}
	}
}

// wireCounter is a TCP proxy to a PostgreSQL server that reads the
// frontend's messages.
type wireCounter struct {
	addr string

	mu          sync.Mutex
	clientTurn  bool // the client spoke last
	turns, bind int
}

func newWireCounter(t *testing.T, server string) *wireCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &wireCounter{addr: ln.Addr().String()}
	var conns sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		conns.Wait()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", server)
			if err != nil {
				c.Close()
				continue
			}
			conns.Add(2)
			go func() {
				defer conns.Done()
				io.Copy(w.fromServer(c), s)
				c.Close()
			}()
			go func() {
				defer conns.Done()
				w.frontend(c, s)
				s.Close()
			}()
		}
	}()
	return w
}

func (w *wireCounter) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.turns, w.bind, w.clientTurn = 0, 0, false
}

func (w *wireCounter) counts() (turns, binds int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.turns, w.bind
}

// frontend copies the client's messages to the server one by one,
// counting: the startup message (no type byte), then a type byte and a
// length that counts itself.
func (w *wireCounter) frontend(client, server net.Conn) {
	var size [4]byte
	if _, err := io.ReadFull(client, size[:]); err != nil {
		return
	}
	startup := make([]byte, binary.BigEndian.Uint32(size[:])-4)
	if _, err := io.ReadFull(client, startup); err != nil {
		return
	}
	if _, err := server.Write(append(size[:], startup...)); err != nil {
		return
	}
	var head [5]byte
	for {
		if _, err := io.ReadFull(client, head[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(client, body); err != nil {
			return
		}
		w.mu.Lock()
		if !w.clientTurn {
			w.clientTurn = true
			w.turns++
		}
		if head[0] == 'B' {
			w.bind++
		}
		w.mu.Unlock()
		if _, err := server.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// fromServer is client, noting that the server has spoken.
func (w *wireCounter) fromServer(client net.Conn) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		w.mu.Lock()
		w.clientTurn = false
		w.mu.Unlock()
		return client.Write(b)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
