package store

import (
	"context"
	"time"
)

// rtcHostRow records which node hosts a meeting's audio, with a lease: the
// node renews it while the room lives; once it has expired, another node
// may take the room. Times are Unix milliseconds of the nodes' clocks, so
// SQLite and PostgreSQL compare them alike.
type rtcHostRow struct {
	MeetingID string `gorm:"primaryKey;size:36"`
	NodeID    string `gorm:"size:255;not null"`
	ExpiresMS int64  `gorm:"not null"`
}

func (rtcHostRow) TableName() string { return "rtc_hosts" }

// AcquireRTCHost makes nodeID the host of meetingID's audio until now+ttl
// if nobody holds an unexpired lease (or nodeID holds it: a renewal), in one
// statement, so concurrent nodes agree. It returns the host after the call:
// nodeID, or the node that holds the lease.
func (s *Store) AcquireRTCHost(ctx context.Context, meetingID, nodeID string, now time.Time, ttl time.Duration) (string, error) {
	nowMS := now.UnixMilli()
	db := s.db.WithContext(ctx)
	if err := db.Exec(`INSERT INTO rtc_hosts (meeting_id, node_id, expires_ms) VALUES (?, ?, ?)
ON CONFLICT (meeting_id) DO UPDATE SET node_id = excluded.node_id, expires_ms = excluded.expires_ms
WHERE rtc_hosts.node_id = excluded.node_id OR rtc_hosts.expires_ms <= ?`,
		meetingID, nodeID, nowMS+ttl.Milliseconds(), nowMS).Error; err != nil {
		return "", err
	}
	var host string
	err := db.Raw(`SELECT node_id FROM rtc_hosts WHERE meeting_id = ?`, meetingID).Scan(&host).Error
	return host, err
}

// RTCHost returns the node holding an unexpired lease on meetingID's audio,
// or "".
func (s *Store) RTCHost(ctx context.Context, meetingID string, now time.Time) (string, error) {
	var host string
	err := s.db.WithContext(ctx).Raw(`SELECT node_id FROM rtc_hosts WHERE meeting_id = ? AND expires_ms > ?`,
		meetingID, now.UnixMilli()).Scan(&host).Error
	return host, err
}

// ReleaseRTCHost gives up nodeID's lease on meetingID (the room emptied or
// the node is shutting down).
func (s *Store) ReleaseRTCHost(ctx context.Context, meetingID, nodeID string) error {
	return s.db.WithContext(ctx).Exec(`DELETE FROM rtc_hosts WHERE meeting_id = ? AND node_id = ?`, meetingID, nodeID).Error
}
