package jihat

// liveMessages are the texts of the live socket (hub package).
var liveMessages = map[string]text{
	"ws_invalid_message":        {"الرسالة غير صالحة", "The message is not valid"},
	"ws_unknown_type":           {"نوع الرسالة غير معروف", "Unknown message type"},
	"ws_not_subscribed":         {"لست مشتركاً في هذه القناة", "You are not subscribed to this channel"},
	"ws_too_many_subscriptions": {"عدد الاشتراكات أكثر من المسموح", "Too many subscriptions on this connection"},
	"ws_already_authenticated":  {"تم التحقق من الهوية مسبقاً", "Already authenticated"},
	"ws_token_in_url":           {"لا يُقبل رمز الدخول في الرابط؛ استخدم الترويسة أو رسالة auth", "A token in the URL is not accepted; use the header or an auth message"},
	"ws_origin_refused":         {"مصدر الطلب غير مسموح", "The request origin is not allowed"},
}
