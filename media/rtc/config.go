package rtc

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// Config configures an SFU. Zero values take the documented defaults.
type Config struct {
	// IPs are the local addresses the SFU listens on and announces in its
	// ICE candidates (default 127.0.0.1, which keeps all media on loopback).
	IPs []string
	// UDPPort is the one UDP port of the ICE mux, on every address of IPs
	// (0: a free port chosen by the system, for tests).
	UDPPort int
	// TCPPort, when not zero, adds ICE-TCP on that port (passive), for
	// networks that block UDP; -1 picks a free port (tests).
	TCPPort int
	// PublicIP is announced instead of the local address (NAT 1:1).
	PublicIP string
	// STUNURLs and TURNURLs are the ICE servers, given to the clients (see
	// ICEServers) and used by the SFU's own gathering. A TURN URL may carry
	// its credentials as turn:user:password@host:port?transport=udp.
	STUNURLs []string
	TURNURLs []string

	// MaxParticipants bounds the participants of one room (50).
	MaxParticipants int
	// MaxBitrate is the most a publisher may send, in bits per second,
	// announced to it in the SDP (Opus maxaveragebitrate) and policed:
	// packets beyond 1.5 × MaxBitrate in a one-second window are dropped
	// and the publisher is told once per window (96 000).
	MaxBitrate int
	// SpeakerInterval is how often the active speaker is evaluated; at most
	// one speaker event per room per interval (400 ms).
	SpeakerInterval time.Duration
	// SpeakerThreshold is the audio level, in −dBov (0 loudest, 127
	// silence), a participant must be louder than to be the speaker (80).
	SpeakerThreshold int

	// OnEvent receives the room events (speaker, mute, join, leave). It is
	// called from the SFU's goroutines and must not block.
	OnEvent func(Event)
	// Logger; nil discards (the binary passes its own).
	Logger *slog.Logger
	// Now is the clock of the bitrate windows; time.Now when nil.
	Now func() time.Time
}

func (c *Config) setDefaults() {
	if len(c.IPs) == 0 {
		c.IPs = []string{"127.0.0.1"}
	}
	if c.MaxParticipants <= 0 {
		c.MaxParticipants = 50
	}
	if c.MaxBitrate <= 0 {
		c.MaxBitrate = 96_000
	}
	if c.SpeakerInterval <= 0 {
		c.SpeakerInterval = 400 * time.Millisecond
	}
	if c.SpeakerThreshold <= 0 || c.SpeakerThreshold > 127 {
		c.SpeakerThreshold = 80
	}
	if c.OnEvent == nil {
		c.OnEvent = func(Event) {}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// ICEServer is one STUN or TURN server as the browser's RTCIceServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// parseICEServers turns the configured URLs into ICE servers, taking TURN
// credentials out of the URL.
func parseICEServers(stun, turn []string) ([]ICEServer, error) {
	var out []ICEServer
	for _, u := range stun {
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") {
			return nil, fmt.Errorf("rtc: STUN URL %q must start with stun: or stuns:", u)
		}
		out = append(out, ICEServer{URLs: []string{u}})
	}
	for _, u := range turn {
		scheme, rest, ok := strings.Cut(u, ":")
		if !ok || scheme != "turn" && scheme != "turns" {
			return nil, fmt.Errorf("rtc: TURN URL %q must start with turn: or turns:", u)
		}
		s := ICEServer{}
		if cred, host, ok := strings.Cut(rest, "@"); ok {
			user, pass, _ := strings.Cut(cred, ":")
			var err error
			if s.Username, err = url.PathUnescape(user); err != nil {
				return nil, fmt.Errorf("rtc: TURN URL %q: %w", u, err)
			}
			if s.Credential, err = url.PathUnescape(pass); err != nil {
				return nil, fmt.Errorf("rtc: TURN URL %q: %w", u, err)
			}
			rest = host
		}
		s.URLs = []string{scheme + ":" + rest}
		out = append(out, s)
	}
	return out, nil
}

// opusFmtp is the Opus format line: in-band FEC, and the bitrate ceiling the
// publisher's encoder is asked to respect.
func opusFmtp(maxBitrate int) string {
	return fmt.Sprintf("minptime=10;useinbandfec=1;maxaveragebitrate=%d", maxBitrate)
}

// newMediaEngine accepts Opus only, with the RFC 6464 audio-level extension.
func newMediaEngine(maxBitrate int) (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: opusCapability(maxBitrate),
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI},
		webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	return m, nil
}

func opusCapability(maxBitrate int) webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
		SDPFmtpLine: opusFmtp(maxBitrate)}
}

// newInterceptors sets up the RTCP the SFU takes part in, with Pion's
// interceptors:
//   - sender and receiver reports: subscribers get sender reports for the
//     tracks they receive, and publishers get receiver reports, whose loss
//     fraction tells a browser's Opus encoder how lossy its uplink is (it
//     adds in-band FEC in answer);
//   - NACK, for peers that negotiate it for Opus (Pion clients do; browsers
//     keep NACK for video unless configured otherwise): the SFU asks a
//     publisher to resend what it lost on the way in, and resends to a
//     subscriber what it lost on the way out, from a buffer of the last 256
//     packets per stream (kept only for streams that negotiated NACK).
//
// Receivers' reports are not forwarded to publishers: with one publisher
// and many subscribers there is no single downlink to describe, and each
// leg is repaired on its own.
func newInterceptors(m *webrtc.MediaEngine) (*interceptor.Registry, error) {
	ir := &interceptor.Registry{}
	gen, err := nack.NewGeneratorInterceptor()
	if err != nil {
		return nil, err
	}
	resp, err := nack.NewResponderInterceptor(nack.ResponderSize(256))
	if err != nil {
		return nil, err
	}
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBNACK}, webrtc.RTPCodecTypeAudio)
	ir.Add(gen)
	ir.Add(resp)
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, err
	}
	return ir, nil
}

// transport is the SFU's network side: the API every peer connection is
// made from, and the muxes it owns.
type transport struct {
	api   *webrtc.API
	udp   ice.UDPMux
	tcp   ice.TCPMux
	tcpLn net.Listener
	ice   []webrtc.ICEServer
}

func (t *transport) close() {
	if t.udp != nil {
		t.udp.Close()
	}
	if t.tcp != nil {
		t.tcp.Close()
	}
	if t.tcpLn != nil {
		t.tcpLn.Close()
	}
}

// newTransport opens the UDP (and TCP) mux on the configured addresses and
// builds the Pion API: candidates from those addresses only (loopback
// included when configured), mDNS off.
func newTransport(c *Config, servers []ICEServer) (*transport, error) {
	var ips []net.IP
	for _, s := range c.IPs {
		ip := net.ParseIP(strings.TrimSpace(s))
		if ip == nil {
			return nil, fmt.Errorf("rtc: bad ICE address %q", s)
		}
		ips = append(ips, ip)
	}
	t := &transport{}
	var muxes []ice.UDPMux
	for _, ip := range ips {
		conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: c.UDPPort})
		if err != nil {
			for _, m := range muxes {
				m.Close()
			}
			return nil, fmt.Errorf("rtc: listen UDP %s: %w", ip, err)
		}
		muxes = append(muxes, ice.NewUDPMuxDefault(ice.UDPMuxParams{UDPConn: conn}))
	}
	t.udp = ice.NewMultiUDPMuxDefault(muxes...)

	se := webrtc.SettingEngine{}
	se.SetICEUDPMux(t.udp)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	// A peer gone silent (its node or browser died) leaves the room after
	// 10 s instead of Pion's 30.
	se.SetICETimeouts(5*time.Second, 10*time.Second, 2*time.Second)
	allowed := func(ip net.IP) bool {
		for _, a := range ips {
			if a.Equal(ip) || a.IsUnspecified() {
				return true
			}
		}
		return false
	}
	se.SetIPFilter(allowed)
	networks := []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	if c.TCPPort != 0 {
		port := c.TCPPort
		if port < 0 {
			port = 0
		}
		ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ips[0], Port: port})
		if err != nil {
			t.close()
			return nil, fmt.Errorf("rtc: listen TCP: %w", err)
		}
		t.tcpLn = ln
		t.tcp = ice.NewTCPMuxDefault(ice.TCPMuxParams{Listener: ln, ReadBufferSize: 64})
		se.SetICETCPMux(t.tcp)
		networks = append(networks, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6)
	}
	se.SetNetworkTypes(networks)
	if c.PublicIP != "" {
		if net.ParseIP(c.PublicIP) == nil {
			t.close()
			return nil, fmt.Errorf("rtc: bad public IP %q", c.PublicIP)
		}
		se.SetNAT1To1IPs([]string{c.PublicIP}, webrtc.ICECandidateTypeHost)
	}
	m, err := newMediaEngine(c.MaxBitrate)
	if err != nil {
		t.close()
		return nil, err
	}
	ir, err := newInterceptors(m)
	if err != nil {
		t.close()
		return nil, err
	}
	t.api = webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(ir))
	for _, s := range servers {
		t.ice = append(t.ice, webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return t, nil
}
