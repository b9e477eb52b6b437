package rtc_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat/media/rtc"
	"github.com/jihat/jihat/media/rtc/rtctest"
)

// The load run (docs/BENCHMARKS.md): the SFU in this process, the client
// peers in a child process (this test binary again), so the CPU measured
// here is the SFU's alone.
//
//	JIHAT_RTC_LOAD=20,0,10 go test ./media/rtc -run 'TestLoad$' -v      # 20 publishers, 10 s
//	JIHAT_RTC_LOAD=1,200,10 go test ./media/rtc -run 'TestLoad$' -v     # 1 speaker, 200 listeners

// wireSignal is a Signal as the load run's own signalling carries it.
type wireSignal struct {
	Type      string         `json:"type"`
	ID        string         `json:"id,omitempty"`
	SDP       string         `json:"sdp,omitempty"`
	Candidate *rtc.Candidate `json:"candidate,omitempty"`
}

func TestLoad(t *testing.T) {
	spec := os.Getenv("JIHAT_RTC_LOAD")
	if spec == "" {
		t.Skip("set JIHAT_RTC_LOAD=publishers,listeners,seconds")
	}
	var pubs, subs, secs int
	if _, err := fmt.Sscanf(strings.ReplaceAll(spec, ",", " "), "%d %d %d", &pubs, &subs, &secs); err != nil {
		t.Fatal(err)
	}
	s, err := rtc.New(rtc.Config{IPs: []string{"127.0.0.1"}, MaxParticipants: pubs + subs + 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ws.SetReadLimit(1 << 20)
		var mu sync.Mutex
		part, err := s.Join("load", r.URL.Query().Get("id"), func(sig rtc.Signal) {
			b, _ := json.Marshal(wireSignal{Type: sig.Type, ID: sig.ID, SDP: sig.SDP, Candidate: sig.Candidate})
			mu.Lock()
			defer mu.Unlock()
			ws.Write(context.Background(), websocket.MessageText, b)
		})
		if err != nil {
			ws.Close(websocket.StatusPolicyViolation, err.Error())
			return
		}
		defer part.Close()
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var sig wireSignal
			if json.Unmarshal(b, &sig) != nil {
				continue
			}
			switch sig.Type {
			case rtc.SignalOffer:
				err = part.Offer(sig.ID, sig.SDP)
			case rtc.SignalAnswer:
				err = part.Answer(sig.SDP)
			case rtc.SignalCandidate:
				err = part.Candidate(*sig.Candidate)
			}
		}
	}))
	defer hs.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClients$", "-test.v")
	cmd.Env = append(os.Environ(), "JIHAT_RTC_LOAD_URL=ws"+strings.TrimPrefix(hs.URL, "http"),
		fmt.Sprintf("JIHAT_RTC_LOAD_CLIENTS=%d,%d", pubs, subs))
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "READY") {
			break
		}
		t.Log(lines.Text())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	time.Sleep(time.Second) // settle: every subscription negotiated and flowing (a warm-up, not a proof)
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	st0, t0 := s.Stats(), time.Now()
	time.Sleep(time.Duration(secs) * time.Second) // the measured window
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	st1, wall := s.Stats(), time.Since(t0)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fwd := float64(st1.Forwarded-st0.Forwarded) / wall.Seconds()
	in := float64(st1.Received-st0.Received) / wall.Seconds()
	t.Logf("RESULT publishers=%d listeners=%d participants=%d received=%.0f pkt/s forwarded=%.0f pkt/s server_cpu=%.1f%% (of one core) heap=%.1f MiB sys=%.1f MiB rss_max=%.1f MiB goroutines=%d",
		pubs, subs, st1.Participants, in, fwd, 100*cpu.Seconds()/wall.Seconds(),
		float64(ms.HeapAlloc)/(1<<20), float64(ms.Sys)/(1<<20), float64(ru1.Maxrss)/1024, runtime.NumGoroutine())
}

// TestLoadClients is the child of TestLoad: its peers publish 50 packets a
// second of 80 bytes (a 32 kbit/s Opus stream) or only listen.
func TestLoadClients(t *testing.T) {
	url := os.Getenv("JIHAT_RTC_LOAD_URL")
	if url == "" {
		t.Skip("run by TestLoad")
	}
	parts := strings.Split(os.Getenv("JIHAT_RTC_LOAD_CLIENTS"), ",")
	pubs, _ := strconv.Atoi(parts[0])
	subs, _ := strconv.Atoi(parts[1])
	var peers []*rtctest.Peer
	for i := range pubs + subs {
		id := fmt.Sprintf("p%03d", i)
		ws, _, err := websocket.Dial(context.Background(), url+"?id="+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		ws.SetReadLimit(1 << 20)
		var mu sync.Mutex
		peer, err := rtctest.NewPeer(rtctest.Options{CountOnly: true, Send: func(sig rtc.Signal) {
			b, _ := json.Marshal(wireSignal{Type: sig.Type, ID: sig.ID, SDP: sig.SDP, Candidate: sig.Candidate})
			mu.Lock()
			defer mu.Unlock()
			ws.Write(context.Background(), websocket.MessageText, b)
		}})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				_, b, err := ws.Read(context.Background())
				if err != nil {
					return
				}
				var sig wireSignal
				if json.Unmarshal(b, &sig) == nil {
					peer.Handle(rtc.Signal{Type: sig.Type, ID: sig.ID, SDP: sig.SDP, Candidate: sig.Candidate})
				}
			}
		}()
		if err := peer.Start(id); err != nil {
			t.Fatal(err)
		}
		select {
		case <-peer.Connected():
		case <-time.After(30 * time.Second):
			t.Fatalf("%s not connected", id)
		}
		peers = append(peers, peer)
	}
	payload := make([]byte, 80)
	stop := make(chan struct{})
	go func() {
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
			}
			for _, p := range peers[:pubs] {
				p.Send(payload, 40)
			}
		}
	}()
	fmt.Println("READY")
	bufio.NewReader(os.Stdin).ReadByte() // until the parent closes stdin
	close(stop)
	for _, p := range peers {
		p.Close()
	}
}
