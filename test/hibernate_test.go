// hibernate_after: a connection that hibernates while idle (dropping its
// buffers) keeps working in both directions afterwards.
package test

import (
	"bytes"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
)

func TestHibernateAfterKeepsWorking(t *testing.T) {
	for _, kind := range []string{"ours", "gotls"} {
		t.Run(kind, func(t *testing.T) {
			app := sockApp(t)
			owner := sockNewOwner(t, app)
			sock, peer := sockPair(t, app, kind, ssl.Options{
				Owner:          owner.PID,
				HibernateAfter: 20 * time.Millisecond,
			})
			big := bytes.Repeat([]byte("x"), 200<<10) // grows the write buffer
			for round := 0; round < 3; round++ {
				if err := sock.Send(big); err != nil {
					t.Fatalf("round %d: Send: %v", round, err)
				}
				got, err := peer.ReadN(len(big))
				if err != nil || !bytes.Equal(got, big) {
					t.Fatalf("round %d: peer read %d bytes, err %v", round, len(got), err)
				}
				if err := peer.Write([]byte("ping")); err != nil {
					t.Fatalf("round %d: peer write: %v", round, err)
				}
				if got := owner.collect(t, 4); string(got) != "ping" {
					t.Fatalf("round %d: owner got %q", round, got)
				}
				time.Sleep(60 * time.Millisecond) // idle: hibernates
			}
			sock.Close()
		})
	}
}
