package hub

import "sync"

// registry indexes this node's connections by ID, user and session.
type registry struct {
	mu        sync.RWMutex // guards the following fields
	byID      map[string]*conn
	byUser    map[string]map[*conn]struct{}
	bySession map[string]map[*conn]struct{}
}

func (r *registry) init() {
	r.byID = map[string]*conn{}
	r.byUser = map[string]map[*conn]struct{}{}
	r.bySession = map[string]map[*conn]struct{}{}
}

func addTo(m map[string]map[*conn]struct{}, key string, c *conn) {
	if key == "" {
		return
	}
	set := m[key]
	if set == nil {
		set = map[*conn]struct{}{}
		m[key] = set
	}
	set[c] = struct{}{}
}

func removeFrom(m map[string]map[*conn]struct{}, key string, c *conn) {
	if set := m[key]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(m, key)
		}
	}
}

func (r *registry) add(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[c.id] = c
	addTo(r.byUser, c.p.UserID, c)
	addTo(r.bySession, c.p.SessionID, c)
}

func (r *registry) remove(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byID, c.id)
	removeFrom(r.byUser, c.p.UserID, c)
	removeFrom(r.bySession, c.p.SessionID, c)
}

func (r *registry) get(id string) *conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byID[id]
}

func collect(set map[*conn]struct{}) []*conn {
	out := make([]*conn, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	return out
}

func (r *registry) user(id string) []*conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return collect(r.byUser[id])
}

func (r *registry) session(id string) []*conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return collect(r.bySession[id])
}

func (r *registry) all() []*conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*conn, 0, len(r.byID))
	for _, c := range r.byID {
		out = append(out, c)
	}
	return out
}
