# bench-lib.sh — sourced by the benchmark scripts (compare-centrifugo.sh,
# meeting-bench.sh, persist-bench.sh): what each needs around the services
# that scripts/services.sh starts.

# raise_services STATE_DIR: when this session's autogroup is raised (nice
# -19, as docs/BENCHMARKS.md runs every measurement), raise PostgreSQL's and
# Redis's too. Both call setsid(): each is an autogroup of its own at nice
# 0, which the raised session does not reach. A background loop raises the
# postmaster, each backend as it is forked, and Redis; RAISER is its pid
# ("" when the session is not raised). Stop it with kill "$RAISER".
raise_services() {
	RAISER=
	grep -q ' nice -19' /proc/self/autogroup 2>/dev/null || return 0
	local state=$1
	(
		pm=$(head -1 "$state"/pg/data/postmaster.pid 2>/dev/null || true)
		rp=$(awk '$1 == "pidfile" {print $2}' "$JIHAT_TEST_REDIS_CONF" 2>/dev/null | xargs cat 2>/dev/null || true)
		while :; do
			for p in $pm $(pgrep -P "${pm:-1}" 2>/dev/null) $rp; do
				grep -q ' nice 0$' /proc/$p/autogroup 2>/dev/null && echo -19 >/proc/$p/autogroup 2>/dev/null || true
			done
			sleep 0.2
		done
	) &
	RAISER=$!
}

# load_entity BASE_URL: as the platform admin (JIHAT_ADMIN_LOGIN and
# JIHAT_ADMIN_PASSWORD), creates an entity with one department and one case
# type for jihat-load on a database without the demo, and prints its
# arguments: -entity ID -case-type ID.
load_entity() {
	local B=$1 J='Content-Type: application/json' tok ent dep typ
	tok=$(curl -fs -XPOST "$B"/api/v1/auth/login -H "$J" \
		-d "{\"login\":\"$JIHAT_ADMIN_LOGIN\",\"password\":\"$JIHAT_ADMIN_PASSWORD\"}" | jq -r .token)
	ent=$(curl -fs -XPOST "$B"/api/v1/entities -H "Authorization: Bearer $tok" -H "$J" \
		-d '{"name_ar":"جهة الحمل","name_en":"Load entity","sector":"government"}' | jq -r .id)
	dep=$(curl -fs -XPOST "$B"/api/v1/entities/$ent/departments -H "Authorization: Bearer $tok" -H "$J" \
		-d '{"name_ar":"قسم","name_en":"Dept"}' | jq -r .id)
	typ=$(curl -fs -XPOST "$B"/api/v1/entities/$ent/case-types -H "Authorization: Bearer $tok" -H "$J" \
		-d "{\"name_ar\":\"نوع\",\"name_en\":\"Type\",\"department_id\":\"$dep\",\"sla_hours\":{\"normal\":72,\"important\":48,\"very_important\":24}}" | jq -r .id)
	echo "-entity $ent -case-type $typ"
}
