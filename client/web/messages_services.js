// messages_services.js: the texts of the services tab of the entity
// administration (Arabic and English, same keys), merged into messages.js.
export const serviceTexts = {
  ar: {
    'admin.tab_services': 'دليل الخدمات',
    'svc.title': 'خدمات الجهة', 'svc.none': 'لا توجد خدمات بعد.', 'svc.new': 'خدمة جديدة',
    'svc.new_hint': 'تُنشأ الخدمة مسودةً لا يراها الجمهور حتى تُنشر.', 'svc.create_draft': 'إنشاء مسودة',
    'svc.status_draft': 'مسودة', 'svc.status_published': 'منشورة', 'svc.status_changed': 'منشورة وفيها تعديلات غير منشورة',
    'svc.versions': 'الإصدارات', 'svc.open': 'تحرير', 'svc.public_page': 'الصفحة العامة',
    'svc.edit_draft': 'تحرير المسودة', 'svc.draft_hint': 'يبقى الإصدار المنشور ظاهراً للجمهور حتى تنشر المسودة.',
    'svc.saved': 'حُفظت المسودة.', 'svc.publish': 'نشر', 'svc.published_now': 'نُشرت الخدمة إصداراً جديداً.',
    'svc.history': 'سجل الإصدارات', 'svc.never_published': 'لم تُنشر بعد.', 'svc.version': 'الإصدار {n}',
    'svc.name': 'الاسم', 'svc.description': 'الوصف', 'svc.eligibility': 'من يحق له التقديم', 'svc.fees': 'الرسوم',
    'svc.duration': 'المدة المتوقعة', 'svc.office_hours': 'أوقات العمل', 'svc.documents': 'المستندات المطلوبة', 'svc.steps': 'الخطوات',
    'svc.one_a_line': 'عنصر في كل سطر', 'svc.lang_ar': 'بالعربية', 'svc.lang_en': 'بالإنجليزية',
    'svc.url': 'رابط الخدمة الإلكترونية', 'svc.url_hint': 'يبدأ بـ https://',
  },
  en: {
    'admin.tab_services': 'Service guide',
    'svc.title': "The entity's services", 'svc.none': 'No services yet.', 'svc.new': 'New service',
    'svc.new_hint': 'A new service is a draft that the public does not see until it is published.', 'svc.create_draft': 'Create draft',
    'svc.status_draft': 'Draft', 'svc.status_published': 'Published', 'svc.status_changed': 'Published, with unpublished changes',
    'svc.versions': 'Versions', 'svc.open': 'Edit', 'svc.public_page': 'Public page',
    'svc.edit_draft': 'Edit the draft', 'svc.draft_hint': 'The public keeps seeing the published version until you publish the draft.',
    'svc.saved': 'Draft saved.', 'svc.publish': 'Publish', 'svc.published_now': 'The service was published as a new version.',
    'svc.history': 'Version history', 'svc.never_published': 'Not published yet.', 'svc.version': 'Version {n}',
    'svc.name': 'Name', 'svc.description': 'Description', 'svc.eligibility': 'Who may apply', 'svc.fees': 'Fees',
    'svc.duration': 'Expected duration', 'svc.office_hours': 'Office hours', 'svc.documents': 'Required documents', 'svc.steps': 'Steps',
    'svc.one_a_line': 'One item a line', 'svc.lang_ar': 'in Arabic', 'svc.lang_en': 'in English',
    'svc.url': 'Link to the e-service', 'svc.url_hint': 'Starts with https://',
  },
};
