// A slow CRL distribution point never blocks the connection actor: the
// handshake timeout still fires while the fetch is pending.
package test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/erlang-ssl-go/ssl"
)

func TestCRLFetchDoesNotBlockActor(t *testing.T) {
	p := crlNewPKI(t)
	app, err := ssl.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // a distribution point that hangs
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cert, _ := p.serverCert(t, srv.URL+"/inter.crl")
	port, res := crlServe(t, cert)
	o := crlClientOpts(p, ssl.CRLCheckPeer)
	o.CRLCache = app.CRLCache().WithHTTP(4 * time.Second)

	start := time.Now()
	_, err = app.Connect("127.0.0.1", port, o, 300*time.Millisecond)
	took := time.Since(start)
	if !errors.Is(err, ssl.ErrTimeout) {
		t.Fatalf("got %v, want the handshake timeout", err)
	}
	// A blocked actor would only see the timeout after the 4 s fetch.
	if took > 2*time.Second {
		t.Fatalf("handshake timeout took %v: the actor was blocked by the CRL fetch", took)
	}
	<-res
}
