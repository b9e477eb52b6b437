package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// startServer starts a server with one entity, department and case type
// for the tool to open its cases in, and returns the flags naming them.
func startServer(t *testing.T) (*testserver.TestServer, []string) {
	t.Helper()
	ts := testserver.Start(t)
	admin := ts.Admin()
	ent := ts.CreateEntity(admin)
	dep := ts.CreateDepartment(admin, ent)
	typ := ts.CreateCaseType(admin, ent, dep)
	sup := ts.CreateEmployee(admin, ent, dep, jihat.RoleSupervisor)
	return ts, []string{"-entity", ent, "-case-type", typ, "-watcher", sup.Login + ":" + sup.Password}
}

// runJSON runs the tool with -json against ts and decodes the report.
func runJSON(t *testing.T, ts *testserver.TestServer, args ...string) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	args = append([]string{"-url", ts.URL, "-json", "-rss-settle", "0", "-server-pid", fmt.Sprint(os.Getpid())}, args...)
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("run %v: %v\n%s", args, err, errOut.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	return &rep
}

func TestTraffic(t *testing.T) {
	ts, where := startServer(t)
	// -lean: the subscribers read without the SDK; they must count the
	// same deliveries.
	// A storm's clients connect with the SDK, or lean. Lean subscribers
	// read frames themselves (the default), or through coder/websocket.
	modes := [][]string{{"-via", "ws", "-storm", "5", "-storm-after", "200ms"}, {"-via", "rest"},
		{"-via", "rest", "-lean", "-storm", "5", "-storm-after", "200ms"}, {"-via", "rest", "-lean", "-ws-read", "library"}}
	for _, mode := range modes {
		t.Run(strings.Join(mode, " "), func(t *testing.T) {
			rep := runJSON(t, ts, append(append(where, "-conns", "6", "-channels", "2", "-users", "2", "-rate", "40", "-duration", "1s"), mode...)...)
			if rep.Conns.Opened != 6 || rep.Conns.Failed != 0 || rep.WatcherConns != 2 {
				t.Fatalf("connections %+v", rep.Conns)
			}
			// What was not sent within the run's time is skipped, not sent late.
			if rep.Planned != 40 || rep.Published+rep.Skipped != 40 || rep.Published == 0 || rep.PublishErrors != 0 {
				t.Fatalf("planned %d published %d skipped %d errors %d %v", rep.Planned, rep.Published, rep.Skipped, rep.PublishErrors, rep.ErrorSamples)
			}
			// Every subscriber gets every comment of its channel (three
			// subscribers on each of the two channels).
			if rep.Expected != 3*rep.Published || rep.Delivered != rep.Expected || rep.Missing != 0 || rep.Disorder != 0 {
				t.Fatalf("expected %d delivered %d missing %d disorder %d", rep.Expected, rep.Delivered, rep.Missing, rep.Disorder)
			}
			if rep.Latency.Samples != rep.Delivered || rep.Latency.P50 <= 0 || rep.Latency.P99 < rep.Latency.P50 || rep.Latency.Max < rep.Latency.P99 {
				t.Fatalf("latency %+v", rep.Latency)
			}
			if rep.RSS.Source == "" || rep.RSS.Before <= 0 || rep.RSS.ServerConnections < 6 {
				t.Fatalf("rss %+v", rep.RSS)
			}
			if slices.Contains(mode, "-storm") && (rep.Storm == nil || rep.Storm.Conns.Opened != 5 || rep.Storm.Conns.Failed != 0) {
				t.Fatalf("storm %+v", rep.Storm)
			}
		})
	}
}

// TestPublishURL sends the comments to a second front of the same server
// (standing in for node B) and keeps every subscriber on -url.
func TestPublishURL(t *testing.T) {
	ts, where := startServer(t)
	for _, via := range []string{"ws", "rest"} {
		t.Run(via, func(t *testing.T) {
			var sockets, comments, other atomic.Int64
			h := ts.Server.Handler()
			b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/ws":
					sockets.Add(1)
				case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments"):
					comments.Add(1)
				default:
					other.Add(1)
				}
				h.ServeHTTP(w, r)
			}))
			t.Cleanup(b.Close)
			rep := runJSON(t, ts, append(where, "-publish-url", b.URL, "-conns", "4", "-channels", "2", "-users", "2",
				"-rate", "20", "-duration", "1s", "-via", via)...)
			if rep.PublishURL != b.URL || rep.Conns.Opened != 4 || rep.Published == 0 || rep.PublishErrors != 0 ||
				rep.Delivered != rep.Expected || rep.Missing != 0 {
				t.Fatalf("report %+v", rep)
			}
			// Node B sees the publishers only: their sockets, or one POST a
			// comment; the subscribers' sockets and the setup stay on -url.
			wantSockets, wantComments := int64(rep.Publishers), int64(0)
			if via == "rest" {
				wantSockets, wantComments = 0, rep.Published
			}
			if sockets.Load() != wantSockets || comments.Load() != wantComments || other.Load() != 0 {
				t.Fatalf("node B: %d sockets (want %d), %d comment posts (want %d), %d other requests",
					sockets.Load(), wantSockets, comments.Load(), wantComments, other.Load())
			}
		})
	}
}

func TestIdle(t *testing.T) {
	ts, where := startServer(t)
	rep := runJSON(t, ts, append(where, "-idle", "-conns", "30", "-idle-subscribe", "-channels", "3")...)
	if rep.Mode != "idle" || rep.Conns.Opened != 30 || rep.Conns.Failed != 0 || rep.Conns.PerSecond <= 0 {
		t.Fatalf("report %+v", rep)
	}
	if rep.RSS.ServerConnections != 30 {
		t.Fatalf("the server reports %d connections, want 30", rep.RSS.ServerConnections)
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		bad  string // part of the error; "" = accepted
	}{
		{[]string{"-url", "http://127.0.0.1:8080"}, ""},
		{[]string{"-url", "http://localhost:8080"}, ""},
		{[]string{"-url", "http://[::1]:8080"}, ""},
		{[]string{"-url", "http://127.0.0.2:8080", "-source-ips", "127.0.0.1,127.0.0.3"}, ""},
		{[]string{"-url", "http://10.0.0.1:8080"}, "loopback"},
		{[]string{"-url", "http://example.com"}, "loopback"},
		{[]string{"-url", "http://127.0.0.1.nip.io:8080"}, "loopback"},
		{[]string{"-url", "http://localhost.evil.com"}, "loopback"},
		{[]string{"-metrics-url", "http://192.168.1.1/metrics"}, "loopback"},
		{[]string{"-publish-url", "http://127.0.0.1:8081"}, ""},
		{[]string{"-publish-url", "http://10.0.0.2:8080"}, "loopback"},
		{[]string{"-source-ips", "10.0.0.1"}, "loopback"},
		{[]string{"-pprof", "0.0.0.0:6060"}, "loopback"},
		{[]string{"-conns", "30000"}, "max-conns"},
		{[]string{"-conns", "5", "-max-conns", "4"}, "max-conns"},
		{[]string{"-duration", "2h"}, "max-duration"},
		{[]string{"-via", "smoke"}, "ws or rest"},
		{[]string{"-rate", "0"}, "rate"},
		{[]string{"-conns", "2", "-channels", "3"}, "channels"},
		{[]string{"-login", "no-password"}, "email:password"},
		{[]string{"-lean"}, ""},
		{[]string{"-lean", "-target", "centrifugo"}, "-lean is for -target jihat"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var errOut bytes.Buffer
			_, err := parseFlags(tt.args, &errOut)
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad)):
				t.Fatalf("got %v, want an error about %q", err, tt.bad)
			}
		})
	}
}

func TestStamp(t *testing.T) {
	tests := []struct {
		data string
		want int64
		ok   bool
	}{
		{`{"type":"comment","data":{"body":"load:1700000000123456789"},"seq":3}`, 1700000000123456789, true},
		{`{"data":{"body":"load:42"}}`, 42, true},
		{`{"actor":{"name":"load:7"},"x":"load:","data":{"body":"load:42"}}`, 42, true}, // the prefix elsewhere first
		{`{"actor":{"name":"load:7"}}`, 0, false},
		{`{"data":{"body":"hello"}}`, 0, false},
		{`{"data":{"body":"load:"}}`, 0, false},
		{`{"type":"status_changed","data":{"from":"new","to":"assigned"}}`, 0, false},
	}
	for _, tt := range tests {
		got, ok := stamp([]byte(tt.data))
		if got != tt.want || ok != tt.ok {
			t.Errorf("stamp(%s) = %d, %v; want %d, %v", tt.data, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHistogram(t *testing.T) {
	h := newHistogram()
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	st := h.stats()
	near := func(got, want float64) bool { return got >= want && got <= want*1.011 }
	if st.Samples != 1000 || !near(st.P50, 500) || !near(st.P95, 950) || !near(st.P99, 990) || st.Max != 1000 || st.Mean != 500.5 {
		t.Fatalf("stats %+v", st)
	}
	if empty := newHistogram().stats(); empty.Samples != 0 || empty.P99 != 0 {
		t.Fatalf("empty %+v", empty)
	}
}

func TestMemoryReadings(t *testing.T) {
	body := []byte("# HELP process_resident_memory_bytes Resident memory size in bytes.\n" +
		"# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 5.4235136e+07\n" +
		"jihat_hub_connections 12\njihat_hub_connections_total{x=\"y\"} 3\n")
	if v, ok := metricValue(body, "process_resident_memory_bytes"); !ok || v != 54235136 {
		t.Errorf("rss %v %v", v, ok)
	}
	if v, ok := metricValue(body, "jihat_hub_connections"); !ok || v != 12 {
		t.Errorf("connections %v %v", v, ok)
	}
	if _, ok := metricValue(body, "absent"); ok {
		t.Error("found an absent metric")
	}
	path := filepath.Join(t.TempDir(), "status")
	os.WriteFile(path, []byte("Name:\tjihat\nVmPeak:\t  999 kB\nVmRSS:\t   75280 kB\nThreads:\t8\n"), 0o600)
	if n, err := vmRSS(path); err != nil || n != 75280<<10 {
		t.Errorf("vmRSS = %d, %v", n, err)
	}
}

// TestMeetingStorm runs the meeting vote storm against a real server with a
// few members: every vote acknowledged, stored once, the tally exact and
// rebuilt by every member from the live frames.
func TestMeetingStorm(t *testing.T) {
	ts := testserver.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	args := []string{"-url", ts.URL, "-json", "-meeting", "8", "-rebuild", "5", "-probes", "2", "-admin", testserver.AdminLogin + ":" + testserver.AdminPassword}
	if err := run(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, errOut.String(), out.String())
	}
	var rep MeetingReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	if !rep.Exact || rep.Rebuilders != 5 || rep.Stored != 8 || rep.Tally.Voted != 8 || rep.VoteAck.Samples != 8 || rep.ChangeAck.Samples != 2 ||
		rep.ToAttendee.Samples != 16 || rep.ToEveryone.Samples != 2 || rep.Tally.Accept+rep.Tally.Reject+rep.Tally.Abstain != 8 {
		t.Fatalf("report %+v", rep)
	}
}

// TestCfFastPush: the direct read of a Centrifugo push gives what
// encoding/json gives, and leaves anything else to it.
func TestCfFastPush(t *testing.T) {
	for _, tc := range []struct {
		line string
		fast bool
	}{
		{`{"push":{"channel":"case:r-0","pub":{"data":{"body":"load:17","visibility":"public"},"offset":12}}}`, true},
		{`{"push":{"channel":"case:r-0","pub":{"data":{"body":"a\"b"},"offset":1}}}`, true},
		{`{"push":{"channel":"case:r\u002d0","pub":{"data":{},"offset":1}}}`, false},
		{`{"push":{"channel":"case:r-0","pub":{"data":{"body":},"offset":1}}}`, false},
		{`{"push":{"channel":"case:r-0","pub":{"data":{},"info":{"user":"u"},"offset":1}}}`, false},
		{`{"push":{"channel":"case:r-0","pub":{"data":{},"offset":1,"tags":{"a":"b"}}}}`, false},
		{`{"id":3,"subscribe":{}}`, false},
	} {
		p := &cfPush{Channel: "another", Pub: &cfPub{}}
		ok := cfFastPush([]byte(tc.line), p)
		if ok != tc.fast {
			t.Errorf("%s: direct %v, want %v", tc.line, ok, tc.fast)
		}
		if !ok {
			continue
		}
		var r cfReply
		if err := json.Unmarshal([]byte(tc.line), &r); err != nil || r.Push == nil {
			t.Fatalf("%s: encoding/json: %v", tc.line, err)
		}
		if p.Channel != r.Push.Channel || p.Pub.Offset != r.Push.Pub.Offset || !bytes.Equal(p.Pub.Data, r.Push.Pub.Data) {
			t.Errorf("%s: direct %+v %s, encoding/json %+v %s", tc.line, p, p.Pub.Data, r.Push, r.Push.Pub.Data)
		}
	}
}

// TestLeanEvent: the direct read of an event frame agrees with
// encoding/json, and leaves any other frame to it.
func TestLeanEvent(t *testing.T) {
	for _, tc := range []struct {
		frame string
		fast  bool
	}{
		{`{"type":"event","channel":"case:c1","seq":7,"data":{"seq":7,"data":{"body":"load:17"},"actor":{"name":"سارة"}}}`, true},
		{`{"type":"event","channel":"case:c1","seq":12,"data":{"body":"a\"b"}}`, true},
		{`{"type":"event","channel":"case:c\u0031","seq":1,"data":{}}`, false},
		{`{"type":"event","channel":"case:c1","seq":1,"data":{"body":}}`, false},
		{`{"type":"event","channel":"case:c1","seq":1,"data":{}} `, false},
		{`{"type":"event","channel":"case:c1","data":{}}`, false},
		{`{"type":"position","channel":"case:c1","seq":3}`, false},
		{`{"type":"ack","id":"s"}`, false},
	} {
		ch, seq, data, ok := leanEvent([]byte(tc.frame))
		if ok != tc.fast {
			t.Errorf("%s: direct %v, want %v", tc.frame, ok, tc.fast)
		}
		if !ok {
			continue
		}
		var f leanFrame
		if err := json.Unmarshal([]byte(tc.frame), &f); err != nil {
			t.Fatalf("%s: encoding/json: %v", tc.frame, err)
		}
		if string(ch) != f.Channel || seq != f.Seq || !bytes.Equal(data, f.Data) {
			t.Errorf("%s: direct %s %d %s, encoding/json %s %d %s", tc.frame, ch, seq, data, f.Channel, f.Seq, f.Data)
		}
	}
}
