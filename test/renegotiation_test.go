// Renegotiation is not offered: a client's renegotiation attempt (OpenSSL
// s_client's "R" command) gets the no_renegotiation warning from our server.
package test

import (
	"bytes"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestServerRefusesRenegotiationOpenSSL(t *testing.T) {
	openssl := needPeer(t, "openssl")
	app := sockApp(t)
	ls, err := app.Listen("127.0.0.1:0", sockServerOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	got := make(chan []byte, 1)
	go func() {
		p, err := ls.TransportAccept(sockWait)
		if err != nil {
			got <- nil
			return
		}
		s, err := app.Handshake(p, nil, sockWait)
		if err != nil {
			got <- nil
			return
		}
		data, _ := s.Recv(0, sockWait) // "hello\n", before the renegotiation attempt
		got <- data
		s.Recv(0, sockWait) // then the peer's alert ends the connection
		s.Close()
	}()
	port := strconv.Itoa(ls.Addr().(*net.TCPAddr).Port)
	cmd := exec.Command(openssl, "s_client", "-connect", "127.0.0.1:"+port, "-tls1_2")
	stdin, _ := cmd.StdinPipe()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, "hello\n")
	if data := <-got; string(data) != "hello\n" {
		t.Fatalf("server got %q before renegotiating", data)
	}
	io.WriteString(stdin, "R\n")
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(sockWait):
		cmd.Process.Kill()
		<-done
	}
	stdin.Close()
	if !strings.Contains(out.String(), "no renegotiation") {
		t.Fatalf("s_client did not see no_renegotiation:\n%s", out.String())
	}
}
