package hub_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat/hub"
)

// envelopeSeeds are the starting points of both fuzz targets: every client
// message type, valid and subtly broken (the committed corpus under
// testdata/fuzz adds more).
var envelopeSeeds = []string{
	`{"type":"ping","id":"1"}`,
	`{"type":"subscribe","id":"2","channel":"case:00000000-0000-4000-8000-000000000001","since":0}`,
	`{"type":"subscribe","id":"3","channel":"case:00000000-0000-4000-8000-000000000001:staff","since":-1}`,
	`{"type":"unsubscribe","channel":"feed"}`,
	`{"type":"fetch","channel":"entity:00000000-0000-4000-8000-000000000001:feed","since":5}`,
	`{"type":"typing","channel":"case:00000000-0000-4000-8000-000000000001","data":{"state":"start"}}`,
	`{"type":"comment","id":"c","channel":"case:00000000-0000-4000-8000-000000000001","data":{"body":"مرحبا","visibility":"public"}}`,
	`{"type":"vote","channel":"meeting:00000000-0000-4000-8000-000000000001","data":{"motion_id":"x","choice":"accept"}}`,
	`{"type":"auth","data":{"token":"t"}}`,
	`{"type":"subscribe","channel":"case:00000000-0000-4000-8000-00000000000G"}`,
	`{"type":"subscribe","channel":"user:../../etc"}`,
	`{"type":"ping","id":"` + string(bytes.Repeat([]byte("x"), 300)) + `"}`,
	`{"type":"ping","type":"subscribe"}`,
	`{"type":"event","seq":1}`,
	`[{"type":"ping"}]`,
	`{"type":"ping","data":`,
	`{"type":"\u0000"}`,
	"\xff\xfe",
	`null`,
	``,
}

// FuzzDecodeEnvelope: the decoder never panics; what it accepts is an object
// with a known type that encodes back to JSON, and decoding is stable.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := hub.DecodeEnvelope(data)
		if err != nil {
			return
		}
		if env.Type == "" {
			t.Fatalf("accepted an envelope without a type: %q", data)
		}
		again, err := json.Marshal(env)
		if err != nil {
			t.Fatalf("accepted envelope does not encode: %v", err)
		}
		env2, err := hub.DecodeEnvelope(again)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
		if env2.Type != env.Type || env2.Channel != env.Channel || env2.ID != env.ID {
			t.Fatalf("unstable decoding: %+v then %+v", env, env2)
		}
	})
}

// FuzzDispatch sends each input as a message on an authenticated socket and
// then a ping: the server must answer the ping, or have closed the socket
// with a policy, size or rate code — never crash, hang or answer garbage.
func FuzzDispatch(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := startNode(t, nodeOpts{})
		c := dial(t, n.url, "token-u1")
		ctx := t.Context()
		if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
			return
		}
		ping, _ := json.Marshal(map[string]string{"type": "ping", "id": "after-fuzz"})
		if err := c.ws.Write(ctx, websocket.MessageText, ping); err != nil {
			return // closed by the server for the input: fine
		}
		timeout := time.After(5 * time.Second)
		for {
			select {
			case env := <-c.frames:
				if env.Type == hub.TypePong && env.ID == "after-fuzz" {
					return
				}
			case <-c.closed:
				switch code := websocket.CloseStatus(c.closeErr()); code {
				case websocket.StatusPolicyViolation, websocket.StatusMessageTooBig, websocket.StatusUnsupportedData,
					websocket.StatusInvalidFramePayloadData:
					return
				default:
					t.Fatalf("closed with %v after %q", code, data)
				}
			case <-timeout:
				t.Fatalf("no answer to a ping after %q", data)
			}
		}
	})
}
