// The bench command: handshakes/s, bulk MB/s and idle memory per
// connection, ours and crypto/tls interleaved in one run, with ratios.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/internal/benchkit"
)

// benchRow is one line of the table: samples for ours and crypto/tls.
type benchRow struct {
	name, unit   string
	ours, theirs []float64
}

func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	dur := fs.Duration("duration", 3*time.Second, "time per handshake or bulk measurement")
	conns := fs.Int("conns", 1000, "idle connection pairs for the memory measurement (0 skips it)")
	runs := fs.Int("runs", 3, "repetitions; the table shows medians")
	only := fs.String("only", "", "comma-separated subset: handshake,bulk,idle (default all)")
	idleChild := fs.String("idle-child", "", "internal: measure one idle stack in this process and print bytes/pair")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *idleChild != "" {
		return idleInProcess(*idleChild, *conns)
	}
	want := map[string]bool{"handshake": true, "bulk": true, "idle": true}
	if *only != "" {
		want = map[string]bool{}
		for _, w := range strings.Split(*only, ",") {
			want[strings.TrimSpace(w)] = true
		}
	}
	if *runs < 1 {
		*runs = 1
	}
	app, err := ssl.Start()
	if err != nil {
		return err
	}
	defer app.Stop()
	certs := map[string]*benchkit.Cert{}
	for _, k := range []string{"ecdsa", "rsa"} {
		if certs[k], err = benchkit.NewCert(k); err != nil {
			return err
		}
	}

	var rows []*benchRow
	row := func(name, unit string) *benchRow {
		for _, r := range rows {
			if r.name == name {
				return r
			}
		}
		r := &benchRow{name: name, unit: unit}
		rows = append(rows, r)
		return r
	}
	for run := 1; run <= *runs; run++ {
		fmt.Fprintf(os.Stderr, "run %d/%d\n", run, *runs)
		if want["handshake"] {
			for _, kind := range []string{"ecdsa", "rsa"} {
				for _, workers := range []int{1, 2} {
					r := row(fmt.Sprintf("handshake %s, %d goroutine(s)", kindName(kind), workers), "hs/s")
					o, err := benchkit.NewOursHandshaker(app, certs[kind])
					if err != nil {
						return err
					}
					v, err := benchkit.HandshakesFor(o, *dur, workers)
					o.Close()
					if err != nil {
						return fmt.Errorf("%s ours: %w", r.name, err)
					}
					r.ours = append(r.ours, v)
					t, err := benchkit.NewTLSHandshaker(certs[kind])
					if err != nil {
						return err
					}
					v, err = benchkit.HandshakesFor(t, *dur, workers)
					t.Close()
					if err != nil {
						return fmt.Errorf("%s crypto/tls: %w", r.name, err)
					}
					r.theirs = append(r.theirs, v)
				}
			}
		}
		if want["bulk"] {
			r := row("bulk AES-128-GCM, 16 KiB writes", "MB/s")
			o, err := benchkit.NewOursBulk(app, certs["ecdsa"])
			if err != nil {
				return err
			}
			v, err := benchkit.BulkFor(o, *dur)
			o.Close()
			if err != nil {
				return fmt.Errorf("bulk ours: %w", err)
			}
			r.ours = append(r.ours, v)
			t, err := benchkit.NewTLSBulk(certs["ecdsa"])
			if err != nil {
				return err
			}
			v, err = benchkit.BulkFor(t, *dur)
			t.Close()
			if err != nil {
				return fmt.Errorf("bulk crypto/tls: %w", err)
			}
			r.theirs = append(r.theirs, v)
			// Context: crypto/tls delivering owned slices over a channel.
			r = row("bulk, crypto/tls handing owned 16 KiB slices to a goroutine", "MB/s")
			r.ours = append(r.ours, r0(rows, "bulk AES-128-GCM, 16 KiB writes"))
			t, err = benchkit.NewTLSBulkOwned(certs["ecdsa"])
			if err != nil {
				return err
			}
			v, err = benchkit.BulkFor(t, *dur)
			t.Close()
			if err != nil {
				return fmt.Errorf("bulk crypto/tls owned: %w", err)
			}
			r.theirs = append(r.theirs, v)
		}
		if want["idle"] && *conns > 0 {
			idle := func(name, ours, theirs string) error {
				r := row(name, "KiB/pair")
				v, err := idleSubprocess(ours, *conns)
				if err != nil {
					return fmt.Errorf("%s %s: %w", name, ours, err)
				}
				r.ours = append(r.ours, v/1024)
				v, err = idleSubprocess(theirs, *conns)
				if err != nil {
					return fmt.Errorf("%s %s: %w", name, theirs, err)
				}
				r.theirs = append(r.theirs, v/1024)
				return nil
			}
			if err := idle("idle pair (crypto/tls with reader goroutines)", benchkit.IdleOurs, benchkit.IdleTLS); err != nil {
				return err
			}
			if err := idle("idle pair (crypto/tls bare, no reader)", benchkit.IdleOurs, benchkit.IdleTLSBare); err != nil {
				return err
			}
			if err := idle("idle pair, our client vs crypto/tls client", benchkit.IdleOursCli, benchkit.IdleTLS); err != nil {
				return err
			}
			if err := idle("idle pair, our server vs crypto/tls server", benchkit.IdleOursServ, benchkit.IdleTLS); err != nil {
				return err
			}
		}
	}

	fmt.Printf("ssl bench: %d run(s), medians; duration %s per measurement; %d idle pairs; GOMAXPROCS %d\n\n",
		*runs, *dur, *conns, runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tunit\tours\tcrypto/tls\tours/crypto-tls\t")
	for _, r := range rows {
		o, t := median(r.ours), median(r.theirs)
		ratio := 0.0
		if t != 0 {
			ratio = o / t
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.2f×\t\n", r.name, r.unit, o, t, ratio)
	}
	tw.Flush()
	fmt.Println("\nhs/s and MB/s: higher is better; KiB/pair: lower is better.")
	fmt.Println("The last two idle rows swap one end of a crypto/tls pair for ours; their ratio compares whole pairs.")
	return nil
}

func kindName(k string) string {
	if k == "rsa" {
		return "ECDHE-RSA 2048"
	}
	return "ECDHE-ECDSA P-256"
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// idleSubprocess measures one idle stack in a fresh process (this program
// re-run with -idle-child), so no measurement inherits another's garbage,
// pools or closing sockets.
func idleSubprocess(stack string, conns int) (float64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(exe, "bench", "-idle-child", stack, "-conns", strconv.Itoa(conns))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		return 0, fmt.Errorf("idle child printed %q", out)
	}
	fmt.Fprintf(os.Stderr, "  idle %-15s total %6.1f KiB/pair (heap %.1f, stacks %.1f)\n", stack, atof(f[0])/1024, atof(f[1])/1024, atof(f[2])/1024)
	return strconv.ParseFloat(f[0], 64)
}

func atof(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }

// idleInProcess is the child's side of idleSubprocess.
func idleInProcess(stack string, conns int) error {
	app, err := ssl.Start()
	if err != nil {
		return err
	}
	defer app.Stop()
	c, err := benchkit.NewCert("ecdsa")
	if err != nil {
		return err
	}
	v, err := benchkit.IdleMemory(app, c, stack, conns, 0)
	if err != nil {
		return err
	}
	fmt.Println(v.Total(), v.Heap, v.Stack)
	return nil
}

// r0 is the latest sample of ours in the named row.
func r0(rows []*benchRow, name string) float64 {
	for _, r := range rows {
		if r.name == name && len(r.ours) > 0 {
			return r.ours[len(r.ours)-1]
		}
	}
	return 0
}
