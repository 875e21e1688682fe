// workerDispatcher: runs connection actors' mailbox batches on long-lived
// goroutines.
package actor

import "sync"

// workerDispatcher runs mailbox batches on a few long-lived goroutines
// instead of protoactor's fresh goroutine per batch. A fresh goroutine starts
// with a small stack, and the handshake's public-key work grows it every
// time (measured: ~10% of handshake CPU in stack copying). When every worker
// is busy, a batch falls back to a new goroutine, so one slow actor never
// delays another.
type workerDispatcher struct {
	work       chan func()
	throughput int
	quit       chan struct{}
	wg         sync.WaitGroup
	once       sync.Once
}

func newWorkerDispatcher(workers, throughput int) *workerDispatcher {
	d := &workerDispatcher{work: make(chan func()), throughput: throughput, quit: make(chan struct{})}
	d.wg.Add(workers)
	for i := 0; i < workers; i++ {
		go d.loop()
	}
	return d
}

func (d *workerDispatcher) loop() {
	defer d.wg.Done()
	for {
		select {
		case fn := <-d.work:
			fn()
		case <-d.quit:
			return
		}
	}
}

// Schedule hands fn to an idle worker, or to a new goroutine if none is idle.
func (d *workerDispatcher) Schedule(fn func()) {
	select {
	case d.work <- fn:
	default:
		go fn()
	}
}

// Throughput is how many messages a batch may process before yielding.
func (d *workerDispatcher) Throughput() int { return d.throughput }

// stop ends the workers and waits for them.
func (d *workerDispatcher) stop() {
	d.once.Do(func() { close(d.quit) })
	d.wg.Wait()
}
