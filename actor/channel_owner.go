// channel_owner.go holds NewChannelOwner: an actor that forwards its user messages to a Go channel.

package actor

import (
	"sync"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"
)

// NewChannelOwner spawns (under the admin supervisor, or the root if that
// fails) an actor that forwards every user message it receives to ch, so code
// outside any actor can own connections. Lifecycle and other system messages
// (Started, Stopping, Stopped, Terminated, ...) are dropped. ch is closed when
// the actor stops; stop stops it and waits (bounded) for that.
//
// When ch is full the actor waits for the reader (or for stop): that stalls
// only this actor, and protoactor's unbounded mailbox keeps senders from
// blocking, so the channel is backpressure-free for senders by design.
func NewChannelOwner(s *System, buffer int) (pid *pa.PID, ch <-chan any, stop func()) {
	if buffer < 0 {
		buffer = 0
	}
	out := make(chan any, buffer)
	quit := make(chan struct{})
	done := make(chan struct{})
	props := pa.PropsFromFunc(func(ctx pa.Context) {
		switch m := ctx.Message().(type) {
		case *pa.Stopped:
			close(out)
			close(done)
		case pa.SystemMessage, pa.AutoReceiveMessage, *pa.ReceiveTimeout:
			// lifecycle: not for the channel
		case nil:
		default:
			select {
			case out <- m:
			case <-quit:
			case <-s.stopCh: // nobody may be reading: never hold up System.Stop
			}
		}
	}, pa.WithSupervisor(stopOnlyStrategy))
	p, err := s.spawnUnder(s.admin, "", props)
	if err != nil {
		p = s.as.Root.Spawn(props)
	}
	var once sync.Once
	stopFn := func() {
		once.Do(func() {
			close(quit)
			s.as.Root.Stop(p)
			t := time.NewTimer(treeStopTimeout)
			defer t.Stop()
			select {
			case <-done:
			case <-t.C:
			}
		})
	}
	return p, out, stopFn
}
