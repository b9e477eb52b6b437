package client

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/jihat/jihat/internal/jsonvalid"
)

// decodeFrame decodes one server message. The server writes every frame with
// one encoder, fields in a fixed order, {"type","id"?,"channel"?,"seq"?,
// "data"?}, so the common case is read directly: at tens of thousands of
// frames a second encoding/json was most of a client's CPU. Anything else
// (escapes, another order, other fields) goes through encoding/json. Data
// aliases b, which the caller must not reuse.
func decodeFrame(b []byte) (frame, error) {
	return (*frameStrings)(nil).decode(b)
}

// frameStrings keeps the strings of a socket's last frame for the next:
// a socket's frames mostly name the same channel, which then costs no
// allocation (at tens of thousands of frames a second the type and channel
// strings were a tenth of a client's allocations). Not safe for concurrent
// use; a nil *frameStrings keeps nothing.
type frameStrings struct{ channel string }

// decode is decodeFrame, reusing fs's strings.
func (fs *frameStrings) decode(b []byte) (frame, error) {
	if f, ok := fs.fastFrame(b); ok {
		return f, nil
	}
	var f frame
	err := json.Unmarshal(b, &f)
	return f, err
}

// channelOf returns b as a string, the last one when it is the same.
func (fs *frameStrings) channelOf(b []byte) string {
	if fs == nil {
		return string(b)
	}
	if string(b) != fs.channel { // compared without a copy
		fs.channel = string(b)
	}
	return fs.channel
}

// typeOf returns b as a string: the constant of a type the server sends,
// without a copy.
func typeOf(b []byte) string {
	switch string(b) {
	case typeEvent:
		return typeEvent
	case typePosition:
		return typePosition
	case typeAck:
		return typeAck
	case typePong:
		return typePong
	case typePresence:
		return typePresence
	case typeTyping:
		return typeTyping
	case typeSnapshot:
		return typeSnapshot
	}
	return string(b)
}

// fastFrame is the direct path of decodeFrame; ok is false when b is not in
// the server's canonical form.
func (fs *frameStrings) fastFrame(b []byte) (f frame, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"type":`))
	if !ok {
		return frame{}, false
	}
	var s []byte
	if s, rest, ok = plainString(rest); !ok {
		return frame{}, false
	}
	f.Type = typeOf(s)
	if r, found := bytes.CutPrefix(rest, []byte(`,"id":`)); found {
		if s, rest, ok = plainString(r); !ok {
			return frame{}, false
		}
		f.ID = string(s)
	}
	if r, found := bytes.CutPrefix(rest, []byte(`,"channel":`)); found {
		if s, rest, ok = plainString(r); !ok {
			return frame{}, false
		}
		f.Channel = fs.channelOf(s)
	}
	if r, found := bytes.CutPrefix(rest, []byte(`,"seq":`)); found {
		i := 0
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
		}
		if i == 0 || i > 1 && r[0] == '0' {
			return frame{}, false
		}
		seq, err := strconv.ParseInt(string(r[:i]), 10, 64)
		if err != nil {
			return frame{}, false
		}
		f.Seq, rest = seq, r[i:]
	}
	if r, found := bytes.CutPrefix(rest, []byte(`,"data":`)); found {
		if len(r) < 2 || r[len(r)-1] != '}' {
			return frame{}, false
		}
		data := r[:len(r)-1]
		if !jsonvalid.Valid(data) {
			return frame{}, false
		}
		f.Data, rest = json.RawMessage(data), r[len(r)-1:]
	}
	if len(rest) != 1 || rest[0] != '}' {
		return frame{}, false
	}
	return f, true
}

// plainString reads a JSON string without escapes at the start of b and
// returns its bytes with what follows; ok is false for anything else.
func plainString(b []byte) ([]byte, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return b[1:i], b[i+1:], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, nil, false // escapes and non-ASCII: let encoding/json check them
		}
	}
	return nil, nil, false
}
