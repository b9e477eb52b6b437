package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
)

// Recording → minutes: the chair turns recording on with rtc.record; a
// member's Opus packets (sent by a Pion peer) become one Ogg/Opus file of
// exactly their length, attached to the minutes; only the chair may record;
// only the minutes' readers list and download it.
func TestRTCRecording(t *testing.T) {
	ts := testserver.Start(t)
	api := mapi{ts.URL}
	w := newMeetingWorld(t, api, ts.Admin(), 2)
	id := w.schedule(t)["id"].(string)

	enter := func(name string, acct *seatPerson) *rtcClient {
		c := dialRTC(t, ts.URL, acct.Token, name, id)
		if code := c.request("subscribe", nil); code != "" {
			t.Fatalf("%s subscribe: %s", name, code)
		}
		c.wait(func(f frame) bool { return f.Type == "snapshot" && strings.Contains(string(f.Data), acct.ID) })
		return c
	}
	chair := enter("chair", &w.chair)
	member := enter("member", &w.members[0])
	chair.connect()
	member.connect()

	// who may record: the chair only; someone not in the room not at all
	if code := member.request("rtc.record", map[string]any{"on": true}); code != jihat.EFORBIDDEN {
		t.Errorf("a member turning recording on: %q, want EFORBIDDEN", code)
	}
	absent := dialRTC(t, ts.URL, w.members[1].Token, "absent", id)
	if code := absent.request("rtc.record", map[string]any{"on": true}); code != jihat.EFORBIDDEN {
		t.Errorf("a member not present turning recording on: %q, want EFORBIDDEN", code)
	}
	for name, tok := range map[string]string{"staff": w.staff.Token, "citizen": w.citizen.Token, "other_admin": w.otherAdmin.Token} {
		c := dialRTC(t, ts.URL, tok, name, id)
		if code := c.request("rtc.record", map[string]any{"on": true}); code != jihat.EFORBIDDEN && code != jihat.ENOTFOUND {
			t.Errorf("%s turning recording on: %q, want EFORBIDDEN or ENOTFOUND", name, code)
		}
	}
	if code := chair.request("rtc.record", map[string]any{"on": true}); code != "" {
		t.Fatalf("chair turns recording on: %q", code)
	}
	f := member.wait(func(f frame) bool { return f.Type == "rtc.recording" })
	var ev struct {
		On bool   `json:"on"`
		By string `json:"by"`
	}
	json.Unmarshal(f.Data, &ev)
	if !ev.On || ev.By != w.chair.ID {
		t.Errorf("rtc.recording = %s", f.Data)
	}
	// someone who joins later learns the room's state, recording included
	late := enter("late", &w.members[1])
	late.connect()
	sf := late.wait(func(f frame) bool { return f.Type == "rtc.state" })
	var st struct {
		Participants []struct {
			ID string `json:"id"`
		} `json:"participants"`
		Recording  bool   `json:"recording"`
		RecordedBy string `json:"recorded_by"`
	}
	json.Unmarshal(sf.Data, &st)
	if !st.Recording || st.RecordedBy != w.chair.ID || len(st.Participants) != 3 {
		t.Errorf("rtc.state for a late joiner = %s, want recording by the chair and 3 participants", sf.Data)
	}

	// the member speaks: n Opus packets of one 20 ms CELT frame each (the
	// peer puts the TOC byte 0xF8 in front: config 31, mono, one frame)
	const n = 50
	peer := member.Peer()
	for i := range n {
		if err := peer.Send([]byte{byte(i), 0xAA, 0x55}, 30); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // paced, not a wait for an outcome
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, ok := ts.Server.RTCParticipantStats(id, w.members[0].ID)
		if ok && st.Received >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the SFU received %d of %d packets", st.Received, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := chair.request("rtc.record", map[string]any{"on": false}); code != "" {
		t.Fatalf("chair turns recording off: %q", code)
	}
	rf := chair.wait(func(f frame) bool { return f.Type == "rtc.recorded" })
	var rec struct {
		ID         string `json:"id"`
		DurationMS int64  `json:"duration_ms"`
		Speaker    struct {
			ID string `json:"id"`
		} `json:"speaker"`
	}
	json.Unmarshal(rf.Data, &rec)
	// Pion's Ogg writer announces the RFC 7845 pre-skip of 80 ms, which a
	// player drops from the start.
	want := int64(n*20 - 80)
	if rec.Speaker.ID != w.members[0].ID || rec.DurationMS != want {
		t.Errorf("rtc.recorded = %s, want the member's %d ms", rf.Data, want)
	}

	// the minutes carry it, for those who read the minutes
	mins := api.must(t, 200, "GET", "/api/v1/meetings/"+id+"/minutes", w.members[1].Token, nil)
	recs, _ := mins["recordings"].([]any)
	if len(recs) != 1 || recs[0].(map[string]any)["id"] != rec.ID {
		t.Fatalf("minutes' recordings = %v, want only %s (the silent chair has no file)", mins["recordings"], rec.ID)
	}
	res, err := ts.Raw("GET", "/api/v1/recordings/"+rec.ID, w.observer.Token, nil)
	if err != nil || res.Status != 200 {
		t.Fatalf("download: %v %v", res, err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "audio/ogg") {
		t.Errorf("Content-Type %q", ct)
	}
	full := res.Body
	blob, err := media.Inspect(bytes.NewReader(res.Body), int64(len(res.Body)),
		media.Limits{Kinds: []media.Kind{media.KindAudio}}.Resolve(media.Config{}))
	if err != nil {
		t.Fatalf("the recording is not a valid Ogg/Opus file: %v", err)
	}
	if blob.Duration != time.Duration(want)*time.Millisecond {
		t.Errorf("Ogg duration %v, want %v", blob.Duration, time.Duration(want)*time.Millisecond)
	}
	if res, err := ts.Raw("GET", "/api/v1/recordings/"+rec.ID, w.members[0].Token, nil, "Range", "bytes=10-19"); err != nil ||
		res.Status != 206 || !bytes.Equal(res.Body, full[10:20]) {
		t.Errorf("range request: %v %v", res, err)
	}

	// authorisation: the minutes' readers, and nobody else
	paths := []string{"/api/v1/meetings/" + id + "/recordings", "/api/v1/recordings/" + rec.ID}
	for _, p := range paths {
		for who, tok := range map[string]string{"chair": w.chair.Token, "secretary": w.secretary.Token, "member": w.members[0].Token,
			"observer": w.observer.Token, "entity_admin": w.entityAdmin.Token} {
			if st, code := api.code(t, "GET", p, tok, nil); st != 200 {
				t.Errorf("%s GET %s: %d %s, want 200", who, p, st, code)
			}
		}
		for who, tok := range map[string]string{"staff": w.staff.Token, "citizen": w.citizen.Token, "other_admin": w.otherAdmin.Token, "anonymous": ""} {
			want := 404
			if tok == "" {
				want = 401
			}
			if st, code := api.code(t, "GET", p, tok, nil); st != want {
				t.Errorf("%s GET %s: %d %s, want %d", who, p, st, code, want)
			}
		}
	}
	api.must(t, 204, "POST", "/api/v1/meetings/"+id+"/minutes/access", w.secretary.Token, map[string]any{"user_id": w.staff.ID})
	for _, p := range paths {
		if st, code := api.code(t, "GET", p, w.staff.Token, nil); st != 200 {
			t.Errorf("staff granted the minutes GET %s: %d %s", p, st, code)
		}
	}
	list := api.must(t, 200, "GET", "/api/v1/meetings/"+id+"/recordings", w.chair.Token, nil)["recordings"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["speaker"].(map[string]any)["name"] == "" {
		t.Errorf("recordings = %v", list)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if used, err := ts.Store.BlobReferenced(ctx, fmt.Sprintf("%x", sha256.Sum256(full))); err != nil || !used {
		t.Errorf("the orphan sweep would delete the recording: referenced=%v %v", used, err)
	}
}
