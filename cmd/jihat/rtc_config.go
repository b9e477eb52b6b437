package main

import (
	"flag"
	"fmt"
	"log/slog"

	"github.com/jihat/jihat/media/rtc"
)

// rtcConfig is the meeting audio's part of the configuration (API.md
// "Running"): where the SFU listens and what it announces.
type rtcConfig struct {
	IPs             string
	UDPPort         int
	TCPPort         int
	PublicIP        string
	STUN, TURN      string
	MaxParticipants int
	MaxBitrate      int
}

// register adds the meeting audio's flags, with their environment defaults.
func (r *rtcConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&r.IPs, "rtc-ips", env("JIHAT_RTC_IPS", "127.0.0.1"), "comma-separated addresses the meeting audio gathers ICE candidates on and announces (JIHAT_RTC_IPS)")
	fs.IntVar(&r.UDPPort, "rtc-udp-port", int(envInt("JIHAT_RTC_UDP_PORT", 0)), "the one UDP port of the meeting audio's ICE mux; 0 = a free port, logged at start (JIHAT_RTC_UDP_PORT)")
	fs.IntVar(&r.TCPPort, "rtc-tcp-port", int(envInt("JIHAT_RTC_TCP_PORT", 0)), "an ICE-TCP port for networks that block UDP; 0 = none (JIHAT_RTC_TCP_PORT)")
	fs.IntVar(&r.MaxParticipants, "rtc-max-participants", int(envInt("JIHAT_RTC_MAX_PARTICIPANTS", 50)), "participants per meeting's audio (JIHAT_RTC_MAX_PARTICIPANTS)")
	fs.IntVar(&r.MaxBitrate, "rtc-max-bitrate", int(envInt("JIHAT_RTC_MAX_BITRATE", 96000)), "bits per second a participant may send (JIHAT_RTC_MAX_BITRATE)")
	r.PublicIP = env("JIHAT_RTC_PUBLIC_IP", "")
	r.STUN = env("JIHAT_STUN_URLS", "")
	r.TURN = env("JIHAT_TURN_URLS", "")
}

// config returns the SFU's configuration.
func (r *rtcConfig) config(log *slog.Logger) (rtc.Config, error) {
	if r.UDPPort < 0 || r.UDPPort > 65535 || r.TCPPort < 0 || r.TCPPort > 65535 {
		return rtc.Config{}, fmt.Errorf("--rtc-udp-port and --rtc-tcp-port must be 0..65535")
	}
	return rtc.Config{IPs: splitComma(r.IPs), UDPPort: r.UDPPort, TCPPort: r.TCPPort, PublicIP: r.PublicIP,
		STUNURLs: splitComma(r.STUN), TURNURLs: splitComma(r.TURN), MaxParticipants: r.MaxParticipants,
		MaxBitrate: r.MaxBitrate, Logger: log}, nil
}
