// messages_boards.js: the texts of the boards and committees admin tab
// (screens/admin_boards.js) and of a meeting scheduled for a board, merged
// into messages.js.
export const boardTexts = {
  ar: {
    'admin.tab_boards': 'المجالس واللجان', 'boards.title': 'المجالس واللجان', 'boards.new': 'مجلس أو لجنة جديدة',
    'boards.edit_title': 'تعديل {name}', 'boards.edit': 'تعديل', 'boards.actions': 'إجراءات', 'boards.empty': 'لا توجد مجالس ولا لجان بعد.',
    'boards.name': 'الاسم', 'boards.kind': 'النوع', 'boards.kind.board': 'مجلس', 'boards.kind.committee': 'لجنة',
    'boards.rules': 'القواعد', 'boards.quorum': 'النصاب', 'boards.result': 'اعتماد القرار',
    'boards.quorum.majority': 'النصاب: أكثر من نصف الأعضاء المصوّتين', 'boards.quorum.two_thirds': 'النصاب: ثلثا الأعضاء المصوّتين',
    'boards.quorum.all': 'النصاب: جميع الأعضاء المصوّتين',
    'boards.result.majority': 'القرار: الموافقون أكثر من الرافضين', 'boards.result.two_thirds': 'القرار: ثلثا الأصوات موافقة',
    'boards.result.unanimous': 'القرار: بالإجماع',
    'boards.saved': 'حُفظ «{name}».',
    'schedule.for': 'الاجتماع لـ', 'schedule.for_members': 'أعضاء أختارهم', 'schedule.board_members': 'يُدعى أعضاء المجلس بأدوارهم فيه.',
    'minutes.access': 'إتاحة المحضر لغير الأعضاء', 'minutes.access_user': 'الموظف', 'minutes.grant': 'منح الاطلاع',
    'minutes.granted': 'أصبح بإمكان {name} قراءة المحضر.',
  },
  en: {
    'admin.tab_boards': 'Boards and committees', 'boards.title': 'Boards and committees', 'boards.new': 'New board or committee',
    'boards.edit_title': 'Edit {name}', 'boards.edit': 'Edit', 'boards.actions': 'Actions', 'boards.empty': 'No boards or committees yet.',
    'boards.name': 'Name', 'boards.kind': 'Kind', 'boards.kind.board': 'Board', 'boards.kind.committee': 'Committee',
    'boards.rules': 'Rules', 'boards.quorum': 'Quorum', 'boards.result': 'Decision rule',
    'boards.quorum.majority': 'Quorum: more than half of the voting members', 'boards.quorum.two_thirds': 'Quorum: two thirds of the voting members',
    'boards.quorum.all': 'Quorum: every voting member',
    'boards.result.majority': 'Decision: more accepts than rejects', 'boards.result.two_thirds': 'Decision: two thirds of the votes accept',
    'boards.result.unanimous': 'Decision: unanimous',
    'boards.saved': '“{name}” saved.',
    'schedule.for': 'Meeting of', 'schedule.for_members': 'Members I choose', 'schedule.board_members': "The board's members are invited with their roles in it.",
    'minutes.access': 'Minutes access for non-members', 'minutes.access_user': 'Employee', 'minutes.grant': 'Grant access',
    'minutes.granted': '{name} may now read the minutes.',
  },
};
