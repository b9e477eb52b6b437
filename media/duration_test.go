package media_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

func TestVoiceDuration(t *testing.T) {
	tests := []struct {
		file string
		mime string
		want time.Duration // ffprobe's figure where it has one
	}{
		{"voice.ogg", "audio/ogg;codecs=opus", 3 * time.Second},
		{"voice.webm", "audio/webm;codecs=opus", 3008 * time.Millisecond}, // Segment Info Duration
		{"voice-live.webm", "audio/webm", 3 * time.Second},                // last block + its 20 ms
		{"voice-recorder.webm", "video/webm", 3 * time.Second},            // unknown-size clusters
		{"voice.m4a", "audio/mp4", 3023 * time.Millisecond},               // mdhd, AAC priming included
		{"voice-frag.mp4", "audio/mp4", 3023 * time.Millisecond},          // fragments
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := sample(t, tt.file)
			got, err := media.VoiceDuration(bytes.NewReader(data), int64(len(data)), tt.mime)
			if err != nil {
				t.Fatal(err)
			}
			if d := got - tt.want; d < -5*time.Millisecond || d > 5*time.Millisecond {
				t.Errorf("duration %v, want %v", got, tt.want)
			}
		})
	}
}

// The live recording really lacks the Duration element, so its figure
// above comes from the clusters.
func TestLiveWebMHasNoDuration(t *testing.T) {
	for _, f := range []string{"voice-live.webm", "voice-recorder.webm"} {
		data := sample(t, f)
		info := bytes.Index(data, []byte{0x15, 0x49, 0xA9, 0x66})
		cluster := bytes.Index(data, []byte{0x1F, 0x43, 0xB6, 0x75})
		if info < 0 || cluster < info || bytes.Contains(data[info:cluster], []byte{0x44, 0x89}) {
			t.Errorf("%s: Info at %d, first Cluster at %d, a Duration between", f, info, cluster)
		}
	}
}

func TestVoiceDurationRefuses(t *testing.T) {
	ogg := sample(t, "voice.ogg")
	tests := []struct {
		name string
		data []byte
		mime string
		key  string
	}{
		{"not a container", []byte("hello"), "audio/ogg", media.KeyVoiceUnreadable},
		{"unknown container", ogg, "audio/wav", media.KeyTypeNotAllowed},
		{"ogg as webm", ogg, "audio/webm", media.KeyVoiceUnreadable},
		{"webm as mp4", sample(t, "voice.webm"), "audio/mp4", media.KeyVoiceUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := media.VoiceDuration(bytes.NewReader(tt.data), int64(len(tt.data)), tt.mime)
			assertError(t, err, jihat.EINVALID, tt.key)
		})
	}
}

func TestCheckVoiceDuration(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name                     string
		measured, claimed, limit time.Duration
		key                      string
	}{
		{"exact", 3 * s, 3 * s, 5 * time.Minute, ""},
		{"no claim", 3 * s, 0, 5 * time.Minute, ""},
		{"within one second", 3 * s, 3900 * time.Millisecond, 5 * time.Minute, ""},
		{"one second and more", 3 * s, 4100 * time.Millisecond, 5 * time.Minute, media.KeyVoiceMismatch},
		{"within ten percent", 100 * s, 109 * s, 5 * time.Minute, ""},
		{"beyond ten percent", 100 * s, 111 * s, 5 * time.Minute, media.KeyVoiceMismatch},
		{"negative claim", 3 * s, -1, 5 * time.Minute, media.KeyVoiceMismatch},
		{"a recorder's overrun", 5*time.Minute + 300*time.Millisecond, 5 * time.Minute, 5 * time.Minute, ""},
		{"too long", 5*time.Minute + 2*s, 5*time.Minute + 2*s, 5 * time.Minute, media.KeyVoiceTooLong},
		{"nothing recorded", 0, 0, 5 * time.Minute, media.KeyVoiceUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := media.CheckVoiceDuration(tt.measured, tt.claimed, tt.limit)
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertError(t, err, jihat.EINVALID, tt.key)
		})
	}
}

func TestErrorMessages(t *testing.T) {
	err := media.CheckVoiceDuration(10*time.Minute, 0, 5*time.Minute)
	if got := jihat.AsError(err).Message(jihat.LangEN); got != "The voice note is longer than the allowed 5:00" {
		t.Errorf("English message %q", got)
	}
	s := mustOpenLocal(t, media.Config{MaxFileSize: 25 << 20})
	big := append(sample(t, "doc.pdf"), make([]byte, 25<<20)...)
	_, err = s.Put(t.Context(), bytes.NewReader(big), media.Limits{})
	assertError(t, err, jihat.ETOOLARGE, media.KeyTooLarge)
	if got := jihat.AsError(err).Message(jihat.LangAR); got != "حجم الملف أكبر من الحد المسموح (25 ميغابايت)" {
		t.Errorf("Arabic message %q", got)
	}
}
