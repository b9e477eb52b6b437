package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/media/rtc"
)

// registerRTCMetrics exposes the SFU's counters on /metrics: rooms and
// participants hosted here, RTP packets received from publishers, forwarded
// to subscribers (one per subscriber) and dropped (the publisher muted, or
// over the bitrate ceiling). The browser tests read them as a fence: a
// muted publisher's packets are counted as dropped, not forwarded.
func registerRTCMetrics(reg prometheus.Registerer, sfu *rtc.SFU) {
	counter := func(name, help string, v func(rtc.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(sfu.Stats())) })
	}
	gauge := func(name, help string, v func(rtc.Stats) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(v(sfu.Stats())) })
	}
	reg.MustRegister(
		gauge("jihat_rtc_rooms", "Meeting audio rooms hosted by this node.", func(s rtc.Stats) int { return s.Rooms }),
		gauge("jihat_rtc_participants", "Participants of the meeting audio hosted by this node.", func(s rtc.Stats) int { return s.Participants }),
		counter("jihat_rtc_packets_received_total", "RTP packets received from publishers.", func(s rtc.Stats) uint64 { return s.Received }),
		counter("jihat_rtc_packets_forwarded_total", "RTP packets written to subscribers (one per subscriber).", func(s rtc.Stats) uint64 { return s.Forwarded }),
		counter("jihat_rtc_packets_dropped_muted_total", "RTP packets of muted publishers, not forwarded.", func(s rtc.Stats) uint64 { return s.DroppedMuted }),
		counter("jihat_rtc_packets_dropped_bitrate_total", "RTP packets over the bitrate ceiling, not forwarded.", func(s rtc.Stats) uint64 { return s.DroppedRate }),
	)
}
