package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// Upload benchmarks (docs/BENCHMARKS.md, "Attachments"):
//
//	go test -run='^$' -bench=BenchmarkUpload -benchtime=20x ./server/
//	JIHAT_BENCH_RSS=1 go test -run='^TestUploadMemory$' -v -timeout=20m ./server/
//
// The first measures the throughput of one upload through the real HTTP
// front in process; the second runs the real jihat binary as its own process
// and reads its peak RSS from /proc while 20 uploads stream at once.

// uploadRequestBody streams a multipart body holding file then tail (a few
// bytes that make each upload's content distinct) under "file", without
// copying file. It returns the body, its Content-Type and its length.
func uploadRequestBody(file, tail []byte) (io.Reader, string, int64) {
	const boundary = "jihat-bench-boundary-7c3b"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n" +
		"Content-Type: application/pdf\r\n\r\n"
	end := "\r\n--" + boundary + "--\r\n"
	r := io.MultiReader(strings.NewReader(head), bytes.NewReader(file), bytes.NewReader(tail), strings.NewReader(end))
	return r, "multipart/form-data; boundary=" + boundary, int64(len(head) + len(file) + len(tail) + len(end))
}

// postUpload sends one streamed upload and returns the status (an error
// for a transport failure).
func postUpload(client *http.Client, url, token string, file, tail []byte) (int, error) {
	body, ctype, n := uploadRequestBody(file, tail)
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		return 0, err
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return res.StatusCode, fmt.Errorf("upload: %d %s", res.StatusCode, b)
	}
	return res.StatusCode, nil
}

// BenchmarkUpload uploads PDFs of 2 and 20 MB through the HTTP front of an
// in-process server (SQLite, media on the local disk with fsync): MB/s is
// the throughput of one upload at a time.
func BenchmarkUpload(b *testing.B) {
	for _, size := range []int{2 << 20, 20 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			ts := testserver.Start(b)
			admin := ts.Admin()
			entity := ts.CreateEntity(admin)
			typ := ts.CreateCaseType(admin, entity, ts.CreateDepartment(admin, entity))
			m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", admin, map[string]any{"entity_id": entity,
				"case_type_id": typ, "subject": "قياس", "body": "رفع ملفات كبيرة", "priority": "normal"})
			url := ts.URL + uploadPath(testserver.Str(m, "case.id"), false)
			file := bigPDF(b, size)
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := postUpload(ts.Client, url, admin, file, []byte(fmt.Sprintf("%016d", i))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestUploadMemory is a benchmark, not a test of make test: it builds
// cmd/jihat, and for each load starts the binary afresh (SQLite, --no-demo),
// runs the uploads at once, and reports the server's peak RSS (VmHWM, reset
// just before the uploads, checked against VmRSS sampled every 5 ms) and
// the throughput. Streaming means the peak with 20 × 20 MB is about the
// peak with 20 × 2 MB; it fails if it is 64 MiB more.
func TestUploadMemory(t *testing.T) {
	if os.Getenv("JIHAT_BENCH_RSS") != "1" {
		t.Skip("a benchmark: JIHAT_BENCH_RSS=1 go test -run='^TestUploadMemory$' -v ./server/ (docs/BENCHMARKS.md)")
	}
	bin := filepath.Join(t.TempDir(), "jihat")
	build := exec.Command("go", "build", "-o", bin, "../cmd/jihat")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/jihat: %v\n%s", err, out)
	}
	loads := []struct {
		n, size int
	}{{1, 20 << 20}, {20, 2 << 20}, {20, 20 << 20}}
	// GOMEMLIMIT makes the runtime give back the heap that start-up and the
	// admin's login (argon2, 19 MiB each) left, which uploads could otherwise
	// reuse without the RSS showing it.
	for _, env := range []string{"", "GOMEMLIMIT=40MiB"} {
		peaks := map[string]int64{}
		t.Logf("%-10s %-17s %12s %12s %12s %10s", "load", "env", "idle RSS", "peak RSS", "sampled max", "MB/s")
		for _, l := range loads {
			name := fmt.Sprintf("%d×%dMB", l.n, l.size>>20)
			r := measureUploads(t, bin, l.n, l.size, env)
			peaks[name] = r.peakKB
			t.Logf("%-10s %-17s %9.1f MB %9.1f MB %9.1f MB %10.1f", name, env, float64(r.idleKB)/1024, float64(r.peakKB)/1024,
				float64(r.sampledKB)/1024, r.mbps)
		}
		if d := peaks["20×20MB"] - peaks["20×2MB"]; d > 64<<10 {
			t.Errorf("%s: the peak RSS grows with the file size: %d MB more with 20 × 20 MB than with 20 × 2 MB", env, d>>10)
		}
	}
}

type uploadMemory struct {
	idleKB, peakKB, sampledKB int64
	mbps                      float64 // MB (10^6 bytes) of files per second, all uploads together
}

// measureUploads starts bin on a fresh data dir (with env, NAME=value
// pairs, added to the environment), prepares a case, runs n uploads of size
// bytes at once and measures the process.
func measureUploads(t *testing.T, bin string, n, size int, env ...string) uploadMemory {
	t.Helper()
	const login, password = "admin@bench.test", "bench admin passphrase 2026"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", t.TempDir(), "--no-demo")
	cmd.Env = append(os.Environ(), "JIHAT_ADMIN_LOGIN="+login, "JIHAT_ADMIN_PASSWORD="+password)
	for _, e := range env {
		if e != "" {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	waitUntil(t, "the jihat process to answer /healthz", func() bool {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})
	api := func(path, token string, body any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %v\n%s", path, res.StatusCode, m, logs.String())
		}
		return m
	}
	token := testserver.Str(api("/api/v1/auth/login", "", map[string]string{"login": login, "password": password}), "token")
	entity := testserver.Str(api("/api/v1/entities", token, map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "government"}), "id")
	dept := testserver.Str(api("/api/v1/entities/"+entity+"/departments", token, map[string]any{"name_ar": "قسم", "name_en": "Dept"}), "id")
	typ := testserver.Str(api("/api/v1/entities/"+entity+"/case-types", token, map[string]any{"name_ar": "نوع", "name_en": "Type",
		"department_id": dept, "sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}), "id")
	caseID := testserver.Str(api("/api/v1/cases", token, map[string]any{"entity_id": entity, "case_type_id": typ,
		"subject": "قياس الذاكرة", "body": "رفع متزامن", "priority": "normal"}), "case.id")
	file := bigPDF(t, size)

	pid := cmd.Process.Pid
	var r uploadMemory
	r.idleKB = procStatus(t, pid, "VmRSS")
	// Forget the peak of start-up and login (argon2 takes 19 MiB): from
	// now on VmHWM is the peak of the uploads.
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		t.Fatalf("reset VmHWM: %v", err)
	}
	var sampled atomic.Int64
	stop := make(chan struct{})
	sampler := make(chan struct{})
	go func() {
		defer close(sampler)
		for {
			if kb := procStatusOr(pid, "VmRSS"); kb > sampled.Load() {
				sampled.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := postUpload(client, base+uploadPath(caseID, false), token, file, []byte(fmt.Sprintf("%016d", i))); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r.peakKB = procStatus(t, pid, "VmHWM")
	close(stop)
	<-sampler
	r.sampledKB = sampled.Load()
	close(errs)
	for err := range errs {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	r.mbps = float64(n*size) / 1e6 / elapsed.Seconds()
	return r
}

// procStatus reads a "kB" field of /proc/<pid>/status.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	kb := procStatusOr(pid, field)
	if kb < 0 {
		t.Fatalf("no %s in /proc/%d/status", field, pid)
	}
	return kb
}

func procStatusOr(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	return -1
}
