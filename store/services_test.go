package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestServicePublishedCopy: a service whose draft is what was published is
// decoded once (serviceFromRow), but its draft and published content stay
// two values: changing one's lists never changes the other; and once the
// draft changes, the published content is still the old one.
func TestServicePublishedCopy(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		sv := &jihat.Service{EntityID: w.Entity.ID, Draft: jihat.ServiceContent{NameAR: "تجديد رخصة البناء", NameEN: "Renewal",
			Documents: []jihat.LocalText{{AR: "صك", EN: "Deed"}}, Steps: []jihat.LocalText{{AR: "قدّم", EN: "Apply"}},
			Channels: []jihat.ServiceChannel{jihat.ChannelOnline}, URL: "https://example.gov/renew"}}
		if err := s.CreateService(ctx, sv, act("service.create")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishService(ctx, sv.ID, w.Requester.ID, act("service.publish")); err != nil {
			t.Fatal(err)
		}
		check := func(how string, got *jihat.Service, published jihat.ServiceContent) {
			t.Helper()
			if got.Published == nil || !reflect.DeepEqual(*got.Published, published) {
				t.Fatalf("%s: published %+v; want %+v", how, got.Published, published)
			}
			got.Draft.Documents[0].AR, got.Draft.Steps[0].EN, got.Draft.Channels[0] = "x", "x", jihat.ChannelPhone
			if !reflect.DeepEqual(*got.Published, published) {
				t.Fatalf("%s: changing the draft changed the published content: %+v", how, got.Published)
			}
		}
		published := sv.Draft
		got, err := s.Service(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("Service", got, published)
		list, _, err := s.ListServices(ctx, store.ServiceQuery{Terms: jihat.ParseSearch("رخصة")})
		if err != nil || len(list) != 1 {
			t.Fatalf("ListServices: %v, %v", list, err)
		}
		check("ListServices", list[0], published)
		if _, err := s.UpdateService(ctx, sv.ID, act("service.update"), func(sv *jihat.Service) error {
			sv.Draft.NameAR = "تجديد رخصة"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err = s.Service(ctx, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Draft.NameAR != "تجديد رخصة" {
			t.Fatalf("draft name %q", got.Draft.NameAR)
		}
		check("Service after an edit", got, published)
	})
}
