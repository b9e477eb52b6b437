package jihat

// rtcMessages holds the texts of meeting audio (media/rtc and its
// signalling); Message looks here too.
var rtcMessages = map[string]text{
	"rtc_room_full":           {"اكتمل عدد المشاركين في الصوت (%d)", "The meeting audio is full (%d participants)"},
	"rtc_bitrate_exceeded":    {"تجاوز الصوت المرسل الحد المسموح (%d كيلوبت/ث)", "Your audio exceeds the allowed bitrate (%d kbit/s)"},
	"rtc_not_connected":       {"المشارك غير متصل بالصوت", "The participant is not connected to the audio"},
	"rtc_no_room":             {"لا يوجد صوت جارٍ لهذا الاجتماع", "This meeting has no audio in progress"},
	"rtc_bad_sdp":             {"وصف الجلسة (SDP) غير صالح", "The session description (SDP) is not valid"},
	"rtc_no_offer":            {"لا يوجد عرض بانتظار الرد", "There is no offer waiting for an answer"},
	"rtc_too_many_candidates": {"عدد مرشحي الاتصال كبير جداً", "Too many connection candidates"},
	"rtc_bad_candidate":       {"مرشح الاتصال غير صالح", "The connection candidate is not valid"},
	"rtc_not_present":         {"الصوت متاح فقط لأعضاء الاجتماع الحاضرين", "Only members present in the meeting may join its audio"},
	"rtc_chair_only":          {"هذا الإجراء لرئيس الاجتماع فقط", "Only the chair of the meeting may do this"},
	"rtc_host_unreachable":    {"تعذر الوصول إلى خادم صوت الاجتماع، حاول مرة أخرى", "The meeting's audio server cannot be reached; try again"},
}
