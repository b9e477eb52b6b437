package server

// LiveConnections returns how many connections the activity tracker holds
// open, so a test can wait until a closed socket has been counted.
func (s *Server) LiveConnections() int {
	s.activity.mu.Lock()
	defer s.activity.mu.Unlock()
	return len(s.activity.online)
}
