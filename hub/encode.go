package hub

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/jihat/jihat"
)

// EncodeEnvelope returns the JSON text frame for env. Data, when present,
// must be valid JSON.
func EncodeEnvelope(env Envelope) ([]byte, error) {
	if len(env.Data) > 0 && !json.Valid(env.Data) {
		return nil, jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	b := appendFrame(make([]byte, 0, frameSize(env.Type, env.ID, env.Channel, env.Data)),
		env.Type, env.ID, env.Channel, env.Seq, env.Data)
	if env.Since != nil {
		// since only travels client → server; kept for a complete encoder.
		b = b[:len(b)-1]
		b = append(b, `,"since":`...)
		b = strconv.AppendInt(b, *env.Since, 10)
		b = append(b, '}')
	}
	return b, nil
}

// frameSize estimates the encoded size so a frame is built in one allocation.
func frameSize(typ, id, channel string, data []byte) int {
	return 48 + len(typ) + len(id) + len(channel) + len(data)
}

// appendFrame appends {"type":..,"id":..,"channel":..,"seq":..,"data":..}
// to b, omitting empty fields. data must be valid JSON (callers check once,
// at the edge). This is the one encoder of every server → client frame, and
// it does not allocate beyond growing b.
func appendFrame(b []byte, typ, id, channel string, seq int64, data []byte) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, typ)
	if id != "" {
		b = append(b, `,"id":`...)
		b = appendString(b, id)
	}
	if channel != "" {
		b = append(b, `,"channel":`...)
		b = appendString(b, channel)
	}
	if seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, seq, 10)
	}
	if len(data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, data...)
	}
	return append(b, '}')
}

// encodeFrame allocates and returns one frame.
func encodeFrame(typ, id, channel string, seq int64, data []byte) []byte {
	return appendFrame(make([]byte, 0, frameSize(typ, id, channel, data)), typ, id, channel, seq, data)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires plus
// <, > and & (as encoding/json does) and replacing invalid UTF-8 with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// errorData is the data of an error or unsubscribed frame.
type errorData struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// errorPayload renders err for a user in lang: a stable code and a message
// from the catalogue; non-domain errors become EINTERNAL without their text.
func errorPayload(err error, lang jihat.Lang) []byte {
	e := jihat.AsError(err)
	d := errorData{Code: e.Code, Message: e.Message(lang)}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for f, key := range e.Fields {
			d.Fields[f] = jihat.Message(lang, key)
		}
	}
	b, _ := json.Marshal(d) // strings and a map of strings cannot fail
	return b
}
