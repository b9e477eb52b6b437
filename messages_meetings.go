package jihat

// meetingMessages holds the texts of boards, meetings, motions, votes, notes
// and minutes; Message looks here after the other catalogues.
var meetingMessages = map[string]text{
	"meeting_bad_times":        {"يجب أن يكون موعد الانتهاء بعد موعد البدء وخلال سبعة أيام", "The end must be after the start and within seven days"},
	"meeting_bad_choice":       {"الاختيار يجب أن يكون موافق أو غير موافق أو ممتنع", "The choice must be accept, reject or abstain"},
	"meeting_bad_receipt":      {"إيصال التصويت غير صالح", "The ballot receipt is not valid"},
	"meeting_bad_role":         {"الدور يجب أن يكون رئيساً أو أميناً أو عضواً أو مراقباً", "The role must be chair, secretary, member or observer"},
	"meeting_bad_member":       {"لا يمكن إضافة هذا المستخدم عضواً", "This user cannot be a member"},
	"meeting_duplicate_member": {"المستخدم مذكور أكثر من مرة", "The user is listed more than once"},
	"meeting_bad_rule":         {"القاعدة غير معروفة", "Unknown rule"},
	"meeting_no_members":       {"يجب تحديد مجلس أو قائمة أعضاء", "Give a board or a list of members"},
	"meeting_too_many":         {"عدد العناصر يتجاوز الحد المسموح", "Too many items"},
	"meeting_ended":            {"انتهى الاجتماع أو أُلغي", "The meeting has ended or was cancelled"},
	"meeting_not_member":       {"لست عضواً في هذا الاجتماع", "You are not a member of this meeting"},
	"meeting_observer":         {"المراقب يحضر ولا يصوّت", "Observers attend but do not vote"},
	"meeting_not_present":      {"يجب أن تكون حاضراً في الاجتماع لتصوّت", "You must be present in the meeting to vote"},
	"meeting_motion_closed":    {"أُغلق التصويت على هذا القرار", "Voting on this motion is closed"},
	"meeting_motion_not_open":  {"التصويت على هذا القرار لم يُفتح بعد", "Voting on this motion has not opened"},
	"meeting_receipt_needed":   {"سبق أن صوّتَّ في هذا الاقتراع السري؛ أرسل إيصالك لتغيير صوتك", "You have already voted in this secret ballot; send your receipt to change your vote"},
	"meeting_minutes_approved": {"المحضر معتمد ولا يمكن تعديله؛ أنشئ نسخة جديدة", "The minutes are approved and frozen; start a new version"},
	"meeting_minutes_empty":    {"لا توجد مسودة محضر لاعتمادها", "There is no draft of the minutes to approve"},
	"meeting_not_started":      {"لم يبدأ الاجتماع بعد", "The meeting has not started"},
	"meeting_bad_agenda_item":  {"البند ليس من جدول أعمال هذا الاجتماع", "The item is not on this meeting's agenda"},
	"meeting_stale":            {"تغيّر المحضر منذ قراءتك له؛ أعد تحميله", "The minutes changed since you read them; reload them"},
}
