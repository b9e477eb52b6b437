package jihat

// guideMessages holds the texts of the service guide; Message looks here too.
var guideMessages = map[string]text{
	"guide_too_many_items":     {"عدد العناصر أكبر من المسموح", "There are too many items"},
	"guide_empty_item":         {"عنصر فارغ في القائمة", "An item of the list is empty"},
	"guide_unknown_channel":    {"قناة تقديم غير معروفة أو مكررة", "A service channel is unknown or repeated"},
	"guide_url_https":          {"رابط الخدمة يجب أن يبدأ بـ https://", "The service link must be an https:// address"},
	"guide_service_not_found":  {"الخدمة غير موجودة", "The service was not found"},
	"guide_service_not_entity": {"الخدمة لا تتبع هذه الجهة", "The service does not belong to this entity"},
	"guide_nothing_to_publish": {"لا توجد تغييرات لنشرها", "There are no changes to publish"},
}
