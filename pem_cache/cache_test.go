// cache_test.go tests FileCache: decode once, invalidation by the checker
// (mtime, size, inode, removal), Clear, concurrent readers and the
// checker's life cycle.
package pemcache

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func writePEM(t *testing.T, path string, typ string, body []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: body}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeOnceAndClear(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pem")
	writePEM(t, p, "CERTIFICATE", []byte("one"))
	c := New(Options{CheckInterval: -1})
	b1, err := c.Get(p)
	if err != nil || len(b1) != 1 || string(b1[0].Bytes) != "one" || b1[0].Type != "CERTIFICATE" {
		t.Fatalf("Get: %v %v", b1, err)
	}
	// A relative spelling of the same file is the same entry.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, p)
	if err == nil {
		if b2, err := c.Get(rel); err != nil || &b2[0] != &b1[0] {
			t.Fatalf("relative path not shared: %v", err)
		}
	}
	if b3, _ := c.Get(p); &b3[0] != &b1[0] {
		t.Fatal("second Get decoded again")
	}
	if s := c.Stats(); s.Decodes != 1 || s.Entries != 1 || s.Hits < 1 {
		t.Fatalf("stats %+v", s)
	}
	// Without a check, a change is not seen (OTP semantics: periodic only).
	writePEM(t, p, "CERTIFICATE", []byte("two!"))
	if b, _ := c.Get(p); string(b[0].Bytes) != "one" {
		t.Fatal("change seen without a check")
	}
	c.Clear()
	if b, _ := c.Get(p); string(b[0].Bytes) != "two!" {
		t.Fatalf("Clear did not force a reload: %q", b[0].Bytes)
	}
	if s := c.Stats(); s.Decodes != 2 || s.Clears != 1 {
		t.Fatalf("stats %+v", s)
	}
	c.Invalidate(p)
	if s := c.Stats(); s.Entries != 0 {
		t.Fatalf("Invalidate left %d entries", s.Entries)
	}
}

func TestCheckSeesChanges(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pem")
	writePEM(t, p, "X", []byte("v1"))
	c := New(Options{CheckInterval: -1})
	get := func() string {
		t.Helper()
		b, err := c.Get(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b[0].Bytes)
	}
	if get() != "v1" {
		t.Fatal("v1")
	}
	// Unchanged file: Check keeps the entry.
	c.Check()
	get()
	if s := c.Stats(); s.Decodes != 1 || s.Invalidations != 0 {
		t.Fatalf("unchanged file invalidated: %+v", s)
	}
	// Same size, new mtime.
	writePEM(t, p, "X", []byte("v2"))
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, future, future); err != nil {
		t.Fatal(err)
	}
	c.Check()
	if get() != "v2" {
		t.Fatal("mtime change not seen")
	}
	// Same size and mtime, new inode (atomic replace by rename).
	q := filepath.Join(dir, "b.pem")
	writePEM(t, q, "X", []byte("v3"))
	if err := os.Chtimes(q, future, future); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(q, p); err != nil {
		t.Fatal(err)
	}
	c.Check()
	if runtime.GOOS != "windows" && get() != "v3" {
		t.Fatal("inode change not seen")
	}
	// Removed file: the entry goes, and Get reports the error.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	c.Check()
	if _, err := c.Get(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("removed file: %v", err)
	}
	if s := c.Stats(); s.Invalidations != 3 || s.Entries != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestErrorsNotCached(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pem")
	c := New(Options{})
	if _, err := c.Get(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	if err := os.WriteFile(p, []byte("no pem here"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(p); !errors.Is(err, ErrNoPEM) {
		t.Fatalf("not PEM: %v", err)
	}
	if _, err := c.Get(dir); err == nil {
		t.Fatal("directory accepted")
	}
	writePEM(t, p, "X", []byte("ok"))
	if b, err := c.Get(p); err != nil || string(b[0].Bytes) != "ok" {
		t.Fatalf("after fix: %v", err)
	}
	if s := c.Stats(); s.Entries != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPeriodicChecker(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pem")
	writePEM(t, p, "X", []byte("v1"))
	c := New(Options{CheckInterval: 10 * time.Millisecond})
	if c.CheckInterval() != 10*time.Millisecond || New(Options{}).CheckInterval() != DefaultCheckInterval {
		t.Fatal("CheckInterval")
	}
	c.Start()
	c.Start() // idempotent: still one goroutine
	if n := checkers(); n != 1 {
		t.Fatalf("%d checker goroutines after Start, want 1", n)
	}
	if b, _ := c.Get(p); string(b[0].Bytes) != "v1" {
		t.Fatal("v1")
	}
	writePEM(t, p, "X", []byte("v2-longer"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := c.Get(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(b[0].Bytes) == "v2-longer" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("checker never picked up the change")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Stop()
	c.Stop()
	// Stop waits for the goroutine's end: none is left right away.
	if n := checkers(); n != 0 {
		t.Fatalf("%d checker goroutines after Stop", n)
	}
	// Restartable, and a negative interval starts nothing.
	c.Start()
	if n := checkers(); n != 1 {
		t.Fatalf("%d checker goroutines after restart", n)
	}
	c.Stop()
	n := New(Options{CheckInterval: -1})
	n.Start()
	if g := checkers(); g != 0 {
		t.Fatalf("disabled checker started a goroutine")
	}
	n.Stop()
}

func TestConcurrentReaders(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := 0; i < 4; i++ {
		p := filepath.Join(dir, string(rune('a'+i))+".pem")
		writePEM(t, p, "X", []byte{byte(i)})
		paths = append(paths, p)
	}
	c := New(Options{CheckInterval: time.Millisecond})
	c.Start()
	defer c.Stop()
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				k := (g + i) % len(paths)
				b, err := c.Get(paths[k])
				if err != nil || len(b) != 1 || b[0].Bytes[0] != byte(k) {
					t.Errorf("Get %d: %v", k, err)
					return
				}
				if g == 0 && i%50 == 0 {
					c.Clear()
				}
			}
		}(g)
	}
	wg.Wait()
	// Unchanged files and a few Clears: decodes bounded by files × (clears+1),
	// far below the 4800 reads.
	if s := c.Stats(); s.Decodes > int64(len(paths))*(s.Clears+1) {
		t.Fatalf("too many decodes: %+v", s)
	}
}

// Concurrent first reads of one file decode it once.
func TestConcurrentMissDecodesOnce(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.pem")
	writePEM(t, p, "X", make([]byte, 1<<16))
	c := New(Options{CheckInterval: -1})
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := c.Get(p); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if s := c.Stats(); s.Decodes != 1 || s.Hits != 31 {
		t.Fatalf("stats %+v", s)
	}
}

func TestDecode(t *testing.T) {
	data := []byte("junk\n" + string(pem.EncodeToMemory(&pem.Block{Type: "A", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: []byte{1}})) +
		"between\n" + string(pem.EncodeToMemory(&pem.Block{Type: "B", Bytes: []byte{2}})))
	bs := Decode(data)
	if len(bs) != 2 || bs[0].Type != "A" || bs[0].Headers["Proc-Type"] != "4,ENCRYPTED" || bs[1].Type != "B" || bs[1].Bytes[0] != 2 {
		t.Fatalf("Decode: %+v", bs)
	}
	if Decode([]byte("nothing")) != nil {
		t.Fatal("no blocks expected")
	}
	p := filepath.Join(t.TempDir(), "x.pem")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if bs, err := DecodeFile(p); err != nil || len(bs) != 2 {
		t.Fatalf("DecodeFile: %v", err)
	}
}

var _ Cache = (*FileCache)(nil)

// checkers counts live checker goroutines (by their function in the stack
// dump; exact goroutine totals are noisy under the test runner).
func checkers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\ngoroutine ") {
		// A goroutine that has not run yet shows only its go-statement
		// wrapper; a running one shows run too.
		if strings.Contains(g, ".(*FileCache).run(") || strings.Contains(g, ".(*FileCache).Start.gowrap") {
			n++
		}
	}
	return n
}
