// The client command: standard input to the server, its bytes to stdout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/erlang-ssl-go/ssl"
)

func runClient(args []string) error {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	connect := fs.String("connect", "", "server HOST:PORT")
	servername := fs.String("servername", "", "SNI host name (and the name checked against the certificate)")
	timeout := fs.Duration("timeout", 30*time.Second, "connect and handshake timeout")
	var tf tlsFlags
	tf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, portStr, err := net.SplitHostPort(*connect)
	if err != nil {
		return fmt.Errorf("-connect: %v", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return fmt.Errorf("-connect: bad port %q", portStr)
	}
	opts := ssl.Options{ServerNameIndication: *servername}
	if err := tf.apply(&opts); err != nil {
		return err
	}
	app, err := ssl.Start()
	if err != nil {
		return err
	}
	defer app.Stop()
	sock, err := app.Connect(host, port, opts, *timeout)
	if err != nil {
		return errors.New(ssl.FormatError(err))
	}
	fmt.Fprintln(os.Stderr, describe(sock))

	sendErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 16<<10)
		for {
			n, err := os.Stdin.Read(buf)
			if n > 0 {
				if serr := sock.Send(buf[:n]); serr != nil {
					sendErr <- serr
					return
				}
			}
			if err == io.EOF {
				sendErr <- sock.Shutdown(ssl.ShutdownWrite)
				return
			}
			if err != nil {
				sendErr <- err
				return
			}
		}
	}()
	for {
		data, err := sock.Recv(0, 0)
		if err != nil {
			if errors.Is(err, ssl.ErrClosed) {
				break
			}
			return errors.New(ssl.FormatError(err))
		}
		if _, err := os.Stdout.Write(data); err != nil {
			return err
		}
	}
	select {
	case err := <-sendErr:
		if err != nil && !errors.Is(err, ssl.ErrClosed) {
			return errors.New(ssl.FormatError(err))
		}
	default:
	}
	return nil
}
