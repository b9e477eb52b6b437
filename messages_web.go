package jihat

// webMessages holds the texts of the web app's serving and its
// cross-site request protection (server/webapp.go); Message looks here
// after the other catalogues.
var webMessages = map[string]text{
	"web_cross_site_refused": {"رُفض الطلب لأنه صادر من موقع آخر؛ أعد تحميل الصفحة وحاول مرة أخرى",
		"The request was refused because it came from another site; reload the page and try again"},
}
