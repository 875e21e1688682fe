// cache.go holds the Cache interface and FileCache, the default
// implementation: a sync.Map of decoded files plus a periodic checker.
package pemcache

import (
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCheckInterval is how often FileCache looks for changed files when
// Options.CheckInterval is zero: two minutes, OTP's ssl_pem_cache default.
const DefaultCheckInterval = 2 * time.Minute

// MaxFileSize bounds the size of a PEM file read into the cache; a CA
// bundle is a few hundred KiB, so this only stops accidents (a device file,
// a multi-GiB log given as certfile).
const MaxFileSize = 32 << 20

// Cache serves decoded PEM files. Implementations must be safe for
// concurrent use.
type Cache interface {
	// Get returns the PEM blocks of the file at path, in file order
	// (non-PEM text between blocks is skipped). The slice and the blocks
	// are shared with other callers and must not be modified.
	Get(path string) ([]*pem.Block, error)
	// Clear drops every cached file (ssl:clear_pem_cache/0).
	Clear()
}

// Options tune a FileCache.
type Options struct {
	// CheckInterval is the period of the change check; 0 means
	// DefaultCheckInterval, a negative value disables the periodic check
	// (only Clear and Check invalidate then).
	CheckInterval time.Duration
}

// Stats are FileCache counters, for tests and monitoring.
type Stats struct {
	Entries       int   // files cached now
	Hits          int64 // Get answered from memory
	Decodes       int64 // files read and decoded
	Invalidations int64 // entries dropped because their file changed or vanished
	Clears        int64 // Clear calls
}

// fileID is what the checker compares to tell that a file changed.
type fileID struct {
	mtime int64 // UnixNano
	size  int64
	dev   uint64
	ino   uint64
}

// entry is one cached file. done is closed once blocks/err are set; until
// then other readers of the same path wait on it.
type entry struct {
	done   chan struct{}
	blocks []*pem.Block
	id     fileID
	err    error
}

// FileCache is the default Cache: files keyed by absolute path, decoded
// once, invalidated by the periodic checker and by Clear. The zero value is
// not usable; call New.
type FileCache struct {
	m        sync.Map // absolute path -> *entry
	interval time.Duration

	hits, decodes, invalidations, clears atomic.Int64

	mu      sync.Mutex // guards stop/stopped (checker life cycle only)
	stop    chan struct{}
	stopped chan struct{}
}

// New returns an empty FileCache; its checker is not running until Start.
func New(o Options) *FileCache {
	iv := o.CheckInterval
	if iv == 0 {
		iv = DefaultCheckInterval
	}
	return &FileCache{interval: iv}
}

// CheckInterval is the period of the change check (negative: never).
func (c *FileCache) CheckInterval() time.Duration { return c.interval }

// Get returns the decoded blocks of path, reading the file only when it is
// not cached. Errors (missing file, no PEM block) are not cached.
func (c *FileCache) Get(path string) ([]*pem.Block, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("pemcache: %w", err)
	}
	for {
		if v, ok := c.m.Load(abs); ok {
			e := v.(*entry)
			<-e.done
			if e.err == nil {
				c.hits.Add(1)
				return e.blocks, nil
			}
			// A failed load is being (or has been) removed; a concurrent
			// waiter shares that error rather than retrying in a loop.
			return nil, e.err
		}
		e := &entry{done: make(chan struct{})}
		if _, loaded := c.m.LoadOrStore(abs, e); loaded {
			continue // someone else is loading it: wait on theirs
		}
		c.decodes.Add(1)
		e.blocks, e.id, e.err = decodeFile(abs)
		if e.err != nil {
			c.m.CompareAndDelete(abs, e)
		}
		close(e.done)
		return e.blocks, e.err
	}
}

// Clear drops every entry; the next Get of each file reads it again.
// Loads in flight finish for their callers but are not kept.
func (c *FileCache) Clear() {
	c.clears.Add(1)
	c.m.Clear()
}

// Invalidate drops the entry for path, if any.
func (c *FileCache) Invalidate(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		c.m.Delete(abs)
	}
}

// Check runs one change check now: every cached file whose modification
// time, size or inode differs from when it was read, or that can no longer
// be stat'ed, is dropped. It is what the periodic checker runs.
func (c *FileCache) Check() {
	c.m.Range(func(k, v any) bool {
		e := v.(*entry)
		select {
		case <-e.done:
		default:
			return true // still loading: it has a fresh id anyway
		}
		fi, err := os.Stat(k.(string))
		if err != nil || idOf(fi) != e.id {
			if c.m.CompareAndDelete(k, e) {
				c.invalidations.Add(1)
			}
		}
		return true
	})
}

// Stats returns the counters.
func (c *FileCache) Stats() Stats {
	n := 0
	c.m.Range(func(_, _ any) bool { n++; return true })
	return Stats{
		Entries:       n,
		Hits:          c.hits.Load(),
		Decodes:       c.decodes.Load(),
		Invalidations: c.invalidations.Load(),
		Clears:        c.clears.Load(),
	}
}

// Start starts the periodic checker goroutine (one per cache; a second
// Start while it runs does nothing). With a negative CheckInterval it
// starts nothing.
func (c *FileCache) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil || c.interval < 0 {
		return
	}
	c.stop = make(chan struct{})
	c.stopped = make(chan struct{})
	go c.run(c.interval, c.stop, c.stopped)
}

// Stop stops the checker and waits for its goroutine to end. It is safe to
// call more than once and without Start; the cache stays usable.
func (c *FileCache) Stop() {
	c.mu.Lock()
	stop, stopped := c.stop, c.stopped
	c.stop, c.stopped = nil, nil
	c.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-stopped
}

func (c *FileCache) run(iv time.Duration, stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.Check()
		}
	}
}

// DecodeFile reads and decodes path without caching: every PEM block in
// file order. A file with no PEM block is an error.
func DecodeFile(path string) ([]*pem.Block, error) {
	b, _, err := decodeFile(path)
	return b, err
}

// ErrNoPEM is returned for a file that holds no PEM block.
var ErrNoPEM = errors.New("pemcache: no PEM data")

// decodeFile opens path, stats the open file (so the id belongs to the
// bytes read) and decodes every block.
func decodeFile(path string) ([]*pem.Block, fileID, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileID{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileID{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fileID{}, fmt.Errorf("pemcache: %s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileID{}, err
	}
	if len(data) > MaxFileSize {
		return nil, fileID{}, fmt.Errorf("pemcache: %s is larger than %d bytes", path, MaxFileSize)
	}
	blocks := Decode(data)
	if len(blocks) == 0 {
		return nil, fileID{}, fmt.Errorf("%w in %s", ErrNoPEM, path)
	}
	return blocks, idOf(fi), nil
}

// Decode returns every PEM block in data, in order, skipping text between
// blocks (as OTP's public_key:pem_decode does).
func Decode(data []byte) []*pem.Block {
	var out []*pem.Block
	rest := data
	for len(rest) > 0 {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		out = append(out, b)
	}
	return out
}

func idOf(fi os.FileInfo) fileID {
	id := fileID{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
	id.dev, id.ino = devIno(fi)
	return id
}
