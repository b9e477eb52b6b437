package client_test

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy is a TCP proxy in front of a server: a test drops every connection
// through it (a network failure) or refuses new ones for a while (a server
// restart), without the server knowing.
type proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex // guards conns and down
	conns  map[net.Conn]struct{}
	down   bool
	wg     sync.WaitGroup
	closed atomic.Bool
}

// startProxy proxies to the host:port of targetURL; it returns its base URL.
func startProxy(t *testing.T, targetURL string) (*proxy, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(targetURL, "http://"), "https://")
	p := &proxy{ln: ln, target: host, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p, "http://" + ln.Addr().String()
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.mu.Unlock()
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// drop closes every connection now open through the proxy.
func (p *proxy) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

// setDown refuses (down) or accepts again new connections; going down also
// drops the open ones.
func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.drop()
	}
}

func (p *proxy) close() {
	if p.closed.Swap(true) {
		return
	}
	p.ln.Close()
	p.drop()
	p.wg.Wait()
}
