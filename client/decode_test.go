package client

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// Frames as the server writes them (hub/encode.go), and a few it never
// writes, which must still decode as encoding/json decodes them.
var frameSeeds = []string{
	`{"type":"event","channel":"case:00000000-0000-4000-8000-000000000001","seq":12,"data":{"id":"e","seq":12,"type":"comment","data":{"body":"load:1700000000000000000"},"actor":{"id":"u","name":"سارة"}}}`,
	`{"type":"ack","id":"r1","channel":"case:00000000-0000-4000-8000-000000000001"}`,
	`{"type":"pong","id":"hello"}`,
	`{"type":"position","channel":"case:00000000-0000-4000-8000-000000000001","seq":7}`,
	`{"type":"error","id":"r2","data":{"code":"EFORBIDDEN","message":"ممنوع"}}`,
	`{"type":"snapshot","channel":"meeting:x","data":{"presence":["a","b"]}}`,
	`{"type":"typing","channel":"c","data":{"user_id":"u","state":"start"}}`,
	`{"type":"ev\u0065nt","seq":1}`,
	`{"channel":"c","type":"event"}`,
	`{"type":"event","seq":01}`,
	`{"type":"event","seq":1,"data":{"a":1},"x":2}`,
	`{"type":"event","data":{"a":}}`,
	`{"type":"event","data":"text"}`,
	` {"type":"pong"}`,
	`{"type":"pong"} `,
	`{"type":"pong","seq":-1}`,
	`{"type":"pong","seq":99999999999999999999}`,
}

func FuzzDecodeFrame(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotErr := decodeFrame(b)
		var want frame
		wantErr := json.Unmarshal(b, &want)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/json says %v", b, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		// Data is compared compacted: the direct path keeps the bytes as sent.
		if !equalJSON(got.Data, want.Data) {
			t.Fatalf("%q: data %s, want %s", b, got.Data, want.Data)
		}
		got.Data, want.Data = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, want %+v", b, got, want)
		}
		// A socket's decoder keeps its last channel: after a frame of
		// another channel, and again after this one, b decodes the same.
		var fs frameStrings
		fs.decode([]byte(frameSeeds[0]))
		for range 2 {
			again, err := fs.decode(b)
			again.Data = nil
			if err != nil || !reflect.DeepEqual(again, want) {
				t.Fatalf("%q with the socket's strings: %+v, %v; want %+v", b, again, err, want)
			}
		}
	})
}

func equalJSON(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y bytes.Buffer
	return json.Compact(&x, a) == nil && json.Compact(&y, b) == nil && bytes.Equal(x.Bytes(), y.Bytes())
}

func BenchmarkDecodeFrame(b *testing.B) {
	msg := []byte(frameSeeds[0])
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeFrame(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct, one socket", func(b *testing.B) {
		b.ReportAllocs()
		var fs frameStrings
		for b.Loop() {
			if _, err := fs.decode(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f frame
			if err := json.Unmarshal(msg, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
