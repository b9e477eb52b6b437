package testserver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"

	"golang.org/x/crypto/argon2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
)

// Account is a user a test can act as.
type Account struct {
	ID       string
	Login    string // the e-mail it logs in with
	Password string
	Token    string // a session token, from logging in once (it ends when the account logs out or changes its password)
}

// Password is the password of every account the fixtures create.
const Password = "fixture-password-2026"

// next returns a number no other fixture of this server got.
func (ts *TestServer) next() int64 { return ts.shared.n.Add(1) }

// Email returns a fresh, unique e-mail address.
func (ts *TestServer) Email(kind string) string {
	return fmt.Sprintf("%s-%d-%s@jihat.test", kind, ts.next(), ts.shared.prefix)
}

// NationalID returns a valid national ID (first digit 1, correct check
// digit) that differs for each n below a billion.
func NationalID(n int64) string {
	prefix := fmt.Sprintf("1%08d", n%100_000_000)
	sum := 0
	for i, c := range prefix {
		d := int(c - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%s%d", prefix, (10-sum%10)%10)
}

// Mobile returns a valid Saudi mobile number (E.164) that differs for each n
// below a hundred million.
func Mobile(n int64) string { return fmt.Sprintf("+9665%08d", n%100_000_000) }

// Admin returns a session token of the bootstrapped platform admin: the
// same one while it works, a new one after it ended (a logout, a password
// change).
func (ts *TestServer) Admin() string {
	ts.tb.Helper()
	sh := ts.shared
	sh.adminMu.Lock()
	defer sh.adminMu.Unlock()
	if sh.admin != "" {
		if res, err := ts.Raw("GET", "/api/v1/me", sh.admin, nil); err == nil && res.Status == 200 {
			return sh.admin
		}
	}
	sh.admin = ts.Login(AdminLogin, AdminPassword)
	return sh.admin
}

// Login logs in and returns the session token.
func (ts *TestServer) Login(login, password string) string {
	ts.tb.Helper()
	m := ts.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": password})
	token := Str(m, "token")
	if token == "" {
		ts.tb.Fatalf("login %s: no token in %v", login, m)
	}
	return token
}

// RegisterCitizen registers a citizen with a fresh e-mail through the API
// and logs in.
func (ts *TestServer) RegisterCitizen() Account {
	ts.tb.Helper()
	email := ts.Email("citizen")
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "",
		map[string]any{"name": "مواطن اختبار", "email": email, "password": Password})
	return Account{ID: Str(m, "user.id"), Login: email, Password: Password, Token: ts.Login(email, Password)}
}

// CreateEntity creates a government entity as token (a platform admin) and
// returns its ID.
func (ts *TestServer) CreateEntity(token string) string {
	ts.tb.Helper()
	n := ts.next()
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities", token, map[string]any{
		"name_ar": fmt.Sprintf("جهة اختبار %d", n), "name_en": fmt.Sprintf("Test entity %d", n), "sector": "government"})
	return Str(m, "id")
}

// CreateDepartment creates a department of entityID and returns its ID.
func (ts *TestServer) CreateDepartment(token, entityID string) string {
	ts.tb.Helper()
	n := ts.next()
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entityID+"/departments", token, map[string]any{
		"name_ar": fmt.Sprintf("قسم %d", n), "name_en": fmt.Sprintf("Department %d", n)})
	return Str(m, "id")
}

// CreateCaseType creates a case type of a department (SLA 24/8/4 hours) and
// returns its ID.
func (ts *TestServer) CreateCaseType(token, entityID, departmentID string) string {
	ts.tb.Helper()
	n := ts.next()
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entityID+"/case-types", token, map[string]any{
		"name_ar": fmt.Sprintf("نوع %d", n), "name_en": fmt.Sprintf("Type %d", n), "department_id": departmentID,
		"sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}})
	return Str(m, "id")
}

// CreateEmployee creates a staff account (employee, supervisor or
// entity_admin) of entityID with a known password and extra permissions,
// through the API as token, and logs it in. departmentID may be "" for an
// entity admin.
func (ts *TestServer) CreateEmployee(token, entityID, departmentID string, role jihat.Role, permissions ...string) Account {
	ts.tb.Helper()
	email := ts.Email(string(role))
	body := map[string]any{"name": "موظف اختبار", "email": email, "role": role, "password": Password}
	if departmentID != "" {
		body["department_id"] = departmentID
	}
	if len(permissions) > 0 {
		body["permissions"] = permissions
	}
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entityID+"/employees", token, body)
	return Account{ID: Str(m, "user.id"), Login: email, Password: Password, Token: ts.Login(email, Password)}
}

// CreateUser stores u directly (for roles the API cannot create, such as
// oversight and board members), with Password as its password and a fresh
// e-mail when it has none, and logs it in.
func (ts *TestServer) CreateUser(u *jihat.User) Account {
	ts.tb.Helper()
	if u.Email == "" {
		u.Email = ts.Email(string(u.Role))
	}
	if u.Name == "" {
		u.Name = "مستخدم اختبار"
	}
	u.Active = true
	if u.Role != jihat.RoleCitizen { // created by an admin, who vouches for the addresses
		u.EmailVerified, u.MobileVerified = true, true
	}
	hash := HashPassword(Password)
	if err := ts.Store.CreateUser(context.Background(), u, hash, jihat.AuditEntry{Action: "test.user"}); err != nil {
		ts.tb.Fatalf("create %s user: %v", u.Role, err)
	}
	return Account{ID: u.ID, Login: u.Email, Password: Password, Token: ts.Login(u.Email, Password)}
}

// HashPassword returns an argon2id hash of pw in the PHC string format the
// server stores, with CheapArgon2's parameters.
func HashPassword(pw string) string {
	p := CheapArgon2
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyEmail verifies acc's e-mail as its owner would: it reads the code
// that registration queued (the outbox holds it, encrypted, until it is
// sent) and sends it to POST /api/v1/me/contacts/verify.
func (ts *TestServer) VerifyEmail(acc Account) {
	ts.tb.Helper()
	msgs, err := ts.Store.OutboxFor(context.Background(), acc.ID)
	if err != nil {
		ts.tb.Fatal(err)
	}
	code := ""
	for _, m := range msgs {
		if c, _ := m.Data["password"].(string); m.Kind == notify.KindVerifyEmail && c != "" {
			code = c
		}
	}
	if code == "" {
		ts.tb.Fatalf("no e-mail verification code queued for %s", acc.Login)
	}
	ts.Must(http.StatusOK, "POST", "/api/v1/me/contacts/verify", acc.Token, map[string]any{"channel": "email", "code": code})
}
