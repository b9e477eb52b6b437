package jihat_test

import (
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

const testID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

func TestChannelNames(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
		ch   jihat.Channel
	}{
		{"case", jihat.CaseChannel(testID), "case:" + testID, jihat.Channel{Kind: jihat.ChannelCase, ID: testID}},
		{"case staff", jihat.CaseStaffChannel(testID), "case:" + testID + ":staff", jihat.Channel{Kind: jihat.ChannelCaseStaff, ID: testID}},
		{"meeting", jihat.MeetingChannel(testID), "meeting:" + testID, jihat.Channel{Kind: jihat.ChannelMeeting, ID: testID}},
		{"entity feed", jihat.EntityFeedChannel(testID), "entity:" + testID + ":feed", jihat.Channel{Kind: jihat.ChannelEntityFeed, ID: testID}},
		{"feed", jihat.FeedChannel, "feed", jihat.Channel{Kind: jihat.ChannelFeed}},
		{"user", jihat.UserChannel(testID), "user:" + testID, jihat.Channel{Kind: jihat.ChannelUser, ID: testID}},
		{"public event", jihat.CaseEventChannel(testID, jihat.VisibilityPublic), "case:" + testID, jihat.Channel{Kind: jihat.ChannelCase, ID: testID}},
		{"internal event", jihat.CaseEventChannel(testID, jihat.VisibilityInternal), "case:" + testID + ":staff", jihat.Channel{Kind: jihat.ChannelCaseStaff, ID: testID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("name = %q, want %q", tt.got, tt.want)
			}
			ch, err := jihat.ParseChannel(tt.got)
			if err != nil || ch != tt.ch {
				t.Fatalf("ParseChannel(%q) = %+v, %v; want %+v", tt.got, ch, err, tt.ch)
			}
			if s := ch.String(); s != tt.got {
				t.Fatalf("String() = %q, want %q", s, tt.got)
			}
		})
	}
	if s := (jihat.Channel{Kind: "bogus", ID: testID}).String(); s != "" {
		t.Errorf("unknown kind String() = %q", s)
	}
}

func TestParseChannelRejects(t *testing.T) {
	bad := []string{
		"",
		"case",
		"case:",
		"case:" + testID + ":",
		"case:" + testID + ":staff:x",
		"case:" + testID + ":feed",
		"case:" + strings.ToUpper(testID),
		"case:" + testID[:35],
		"case:" + testID + "0",
		"case:" + strings.ReplaceAll(testID, "-", ""),
		"case:{" + testID[1:35] + "}",
		"case:3f2504e0_4f89_41d3_9a0c_0305e82c3301",
		"case:3f2504e0-4f89-41d3-9a0c-0305e82c330g",
		"case:3f2504e04-f89-41d3-9a0c-0305e82c3301",
		"case: " + testID,
		"case:" + testID + " ",
		"case:" + testID + "\n",
		"case:" + testID + "\x00",
		"case:٣f2504e0-4f89-41d3-9a0c-0305e82c3301",
		"case:*",
		"case:../" + testID,
		"CASE:" + testID,
		"meeting:" + testID + ":staff",
		"entity:" + testID,
		"entity:" + testID + ":staff",
		"user:" + testID + ":feed",
		"feed:" + testID,
		"feed ",
		"FEED",
		"chat:" + testID,
		":" + testID,
		"entity:" + testID + ":feed" + strings.Repeat("x", 1<<20),
		"\xff\xfe",
	}
	for _, s := range bad {
		name := s
		if len(name) > 60 {
			name = name[:60] + "..."
		}
		t.Run(name, func(t *testing.T) {
			ch, err := jihat.ParseChannel(s)
			if e := jihat.AsError(err); err == nil || e.Code != jihat.EINVALID || e.Key != "invalid_channel" {
				t.Fatalf("ParseChannel = %+v, %v; want EINVALID invalid_channel", ch, err)
			}
			if ch != (jihat.Channel{}) {
				t.Fatalf("a failed parse returned %+v", ch)
			}
		})
	}
}

func TestIsCanonicalUUID(t *testing.T) {
	for _, s := range []string{testID, "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"} {
		if !jihat.IsCanonicalUUID(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "x", strings.ToUpper(testID), testID + " ", "3f2504e0-4f89-41d3-9a0c_0305e82c3301", "3f2504e0-4f89-41d3-9a0c-0305e82c330", "3f2504e0-4f89-41d3-9a0c-0305e82c33011"} {
		if jihat.IsCanonicalUUID(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzParseChannel(f *testing.F) {
	for _, s := range []string{"feed", "case:" + testID, "case:" + testID + ":staff", "entity:" + testID + ":feed", "user:x", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ch, err := jihat.ParseChannel(s)
		if err != nil {
			return
		}
		if ch.String() != s {
			t.Fatalf("ParseChannel(%q) = %+v, which prints as %q", s, ch, ch.String())
		}
	})
}

func TestChannelSequencedAndPresence(t *testing.T) {
	for _, tt := range []struct {
		name               string
		sequenced, present bool
	}{
		{jihat.CaseChannel(testID), true, true},
		{jihat.CaseStaffChannel(testID), true, true},
		{jihat.MeetingChannel(testID), true, true},
		{jihat.EntityFeedChannel(testID), false, false},
		{jihat.FeedChannel, false, false},
		{jihat.UserChannel(testID), false, false},
	} {
		ch, err := jihat.ParseChannel(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Sequenced() != tt.sequenced || ch.HasPresence() != tt.present {
			t.Errorf("%s: Sequenced %v HasPresence %v, want %v %v", tt.name, ch.Sequenced(), ch.HasPresence(), tt.sequenced, tt.present)
		}
		if !jihat.ValidChannel(tt.name) {
			t.Errorf("ValidChannel(%q) = false", tt.name)
		}
	}
	if jihat.IsUUID("not-a-uuid") || !jihat.IsUUID(strings.ToUpper(testID)) || jihat.IsCanonicalUUID(strings.ToUpper(testID)) {
		t.Error("IsUUID accepts either case; IsCanonicalUUID only lower case")
	}
}
