package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jihat/jihat/client"
)

// meetingSetup makes the storm's world as the platform admin (-admin): an
// entity with a department, N staff accounts (each logged in on its node:
// member i on -url when i is even, else -publish-url), a board of them
// (member 0 chairs, member 1 is the secretary) and a meeting the admin
// schedules (the members are invited), then logs the members in.
func (l *load) meetingSetup(ctx context.Context) ([]*attendee, string, error) {
	login, pw, _ := strings.Cut(l.cfg.Admin, ":")
	admin := l.newClient()
	if _, err := admin.Login(ctx, login, pw); err != nil {
		return nil, "", fmt.Errorf("admin login: %w", err)
	}
	stamp := time.Now().UnixNano()
	ent, err := admin.CreateEntity(ctx, client.EntityRequest{NameAR: fmt.Sprintf("مجلس الحمل %d", stamp),
		NameEN: fmt.Sprintf("Load board %d", stamp), Sector: "government"})
	if err != nil {
		return nil, "", fmt.Errorf("entity: %w", err)
	}
	dep, err := admin.CreateDepartment(ctx, ent.ID, client.DepartmentRequest{NameAR: "الأمانة", NameEN: "Secretariat"})
	if err != nil {
		return nil, "", fmt.Errorf("department: %w", err)
	}
	n := l.cfg.Meeting
	room := make([]*attendee, n)
	password := "Load-" + randomHex(12)
	err = forEach(n, 16, func(i int) error {
		email := fmt.Sprintf("member-%d-%d@load.jihat.test", stamp, i)
		u, err := admin.CreateEmployee(ctx, ent.ID, client.EmployeeRequest{Name: fmt.Sprintf("عضو %d", i+1), Email: email,
			DepartmentID: dep.ID, Role: "employee", Password: password})
		if err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		room[i] = &attendee{id: u.ID, email: email}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	seats := make([]client.Seat, n)
	for i, a := range room {
		seats[i] = client.Seat{UserID: a.id, Role: "member"}
	}
	seats[0].Role, seats[1].Role = "chair", "secretary"
	name := "مجلس الإدارة"
	board, err := admin.CreateBoard(ctx, ent.ID, client.BoardRequest{Name: &name, Members: &seats})
	if err != nil {
		return nil, "", fmt.Errorf("board: %w", err)
	}
	at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	m, err := admin.ScheduleMeeting(ctx, client.MeetingRequest{EntityID: ent.ID, BoardID: board.ID, Title: "اجتماع الحمل",
		StartsAt: at, EndsAt: at.Add(2 * time.Hour), Agenda: []client.AgendaRequest{{Title: "الميزانية"}}})
	if err != nil {
		return nil, "", fmt.Errorf("schedule: %w", err)
	}
	// The members log in after the invitations went out (the server is
	// sending a thousand e-mails and SMS meanwhile, as it would days
	// before a real meeting).
	err = forEach(n, 16, func(i int) error {
		base := l.cfg.URL
		if i%2 == 1 {
			base = l.cfg.PublishURL
		}
		c := l.clientOf(base)
		if _, err := c.Login(ctx, room[i].email, password); err != nil {
			return fmt.Errorf("member %d logs in: %w", i, err)
		}
		room[i].c = c
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	l.logf("meeting: %d members, board %s, meeting %s", n, board.ID, m.ID)
	return room, m.ID, nil
}

// forEach runs f(0..n-1), conc at a time, and returns the first error.
func forEach(n, conc int, f func(i int) error) error {
	var mu sync.Mutex
	var first error
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(i); err != nil {
				mu.Lock()
				first = cmp(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}
