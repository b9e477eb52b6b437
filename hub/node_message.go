package hub

import (
	"context"
	"encoding/json"

	"github.com/jihat/jihat"
)

// busNode is the kind byte of an application message sent to one node
// (SendNode), delivered to Config.OnNodeMessage there.
const busNode = 'n'

// SendNode delivers payload to the OnNodeMessage of node nodeID (this node
// included: then it is called directly), over the bus. The meeting audio
// relays its signalling to the node hosting a meeting with it. Delivery is
// at most once, in order between two nodes.
func (h *Hub) SendNode(ctx context.Context, nodeID string, payload []byte) error {
	if nodeID == "" {
		return jihat.Errorf(jihat.EINVALID, "invalid_id")
	}
	if nodeID == h.cfg.NodeID {
		if h.cfg.OnNodeMessage != nil {
			h.cfg.OnNodeMessage(payload)
		}
		return nil
	}
	b := make([]byte, 0, 1+len(payload))
	b = append(b, busNode)
	b = append(b, payload...)
	if err := h.bus.Publish(ctx, nodeChannel(nodeID), b); err != nil {
		h.m.busErrors.WithLabelValues("node").Inc()
		return err
	}
	return nil
}

// SendReply sends one frame answering the request id to one socket, on
// whichever node it is, like SendConn: an rtc.answer, or an error frame
// (typ "error", data from ErrorData) for a request that failed later.
func (h *Hub) SendReply(ctx context.Context, connID, id, typ, channel string, data json.RawMessage) error {
	if !validID(id) {
		return jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	return h.sendConn(ctx, connID, id, typ, channel, data)
}

// ErrorData is the data of an error frame for err in lang:
// {"code", "message", "fields"?}.
func ErrorData(err error, lang jihat.Lang) json.RawMessage { return errorPayload(err, lang) }

// NoAck, returned as the data of Backend.Command, tells the hub not to
// acknowledge the command: the backend answers it itself (rtc.offer is
// answered with an rtc.answer carrying the request's id).
var NoAck = noAck{}

type noAck struct{}
