package hub

// Client-visible channel names (their grammar, and whether a channel is
// sequenced and has presence) are jihat.Channel's: see jihat.ParseChannel.

// Internal bus channels. Their names contain characters that no client
// channel may contain, so a client can never subscribe to them.
const (
	controlChannel    = "_jihat.control" // every node: revocations, re-authorisation
	nodeChannelPrefix = "_jihat.node."   // one node: frames for one of its connections
	onlinePrefix      = "_jihat.online." // presence key of "user is connected anywhere"
)

func nodeChannel(nodeID string) string { return nodeChannelPrefix + nodeID }

func onlineChannel(userID string) string { return onlinePrefix + userID }
