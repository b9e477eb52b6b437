package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestHalfClosedRequestIsAnswered: a client that sends a complete request
// and then shuts its write side (as some HTTP clients and proxies do) is
// still waiting for the answer: it gets it (before: 500 EINTERNAL, logged
// at ERROR, as net/http cancels the request's context when it reads EOF).
func TestHalfClosedRequestIsAnswered(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "نصف إغلاق", "نص"), "id")
	addr := strings.TrimPrefix(ts.URL, "http://")
	for i, req := range []string{
		"GET /api/v1/cases/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k.citizen.Token + "\r\nConnection: close\r\n\r\n",
		"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + k.employee.Token + "\r\nConnection: close\r\n\r\n",
		fmt.Sprintf("POST /api/v1/cases/%s/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			id, k.citizen.Token, len(`{"body":"نص"}`), `{"body":"نص"}`),
	} {
		for range 5 {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Write([]byte(req)); err != nil {
				t.Fatal(err)
			}
			conn.(*net.TCPConn).CloseWrite()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			res.Body.Close()
			conn.Close()
			if res.StatusCode >= 300 {
				t.Fatalf("request %d after a half-close: %d", i, res.StatusCode)
			}
		}
	}
}
