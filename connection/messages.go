// Owner messages: what a connection sends to its controlling process.
package connection

import "github.com/erlang-ssl-go/ssl/record"

// Data is {ssl, Socket, Data}. Bytes is owned by the receiver. With the
// header option in binary mode, the first Header bytes arrive in Header (as
// Erlang delivers them as a list before the binary). In list mode Text holds
// the same bytes as a string (Go's nearest thing to a char list).
//
// Release is optional: calling it when done with Bytes lets the connection
// reuse the buffer (bulk receivers that call it allocate nothing per
// record). After Release, Bytes must not be used.
type Data struct {
	Socket *Socket
	Bytes  []byte
	Header []byte
	Text   string
	pooled []byte // the record buffer Bytes lives in, when delivered zero-copy
}

// Release returns the buffer behind Bytes for reuse; see Data.
func (d *Data) Release() {
	if d.pooled != nil {
		record.PutBuffer(d.pooled)
		d.pooled, d.Bytes = nil, nil
	}
}

// Closed is {ssl_closed, Socket}: the peer closed the connection.
type Closed struct{ Socket *Socket }

// Error is {ssl_error, Socket, Reason}: the connection ended with an error.
type Error struct {
	Socket *Socket
	Reason error
}

// Passive is {ssl_passive, Socket}: an {active, N} count reached zero and
// the socket is now passive.
type Passive struct{ Socket *Socket }

// IgnoreDeadLetterLogging keeps payloads out of protoactor's dead-letter log.
func (*Data) IgnoreDeadLetterLogging()    {}
func (*Closed) IgnoreDeadLetterLogging()  {}
func (*Error) IgnoreDeadLetterLogging()   {}
func (*Passive) IgnoreDeadLetterLogging() {}
