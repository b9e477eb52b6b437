package client

import (
	"context"
	"net/http"
)

// RegisterRequest is a citizen's registration: a name, a password and at
// least one identifier (national ID, e-mail or mobile).
type RegisterRequest struct {
	Name       string `json:"name"`
	NationalID string `json:"national_id,omitempty"`
	Email      string `json:"email,omitempty"`
	Mobile     string `json:"mobile,omitempty"`
	Password   string `json:"password"`
	Lang       string `json:"lang,omitempty"` // ar (default) or en
}

type userAnswer struct {
	User User `json:"user"`
}

// Register creates a citizen account (POST /api/v1/auth/register). It does
// not log in.
func (c *Client) Register(ctx context.Context, req RegisterRequest) (*User, error) {
	var out userAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/auth/register", nil, req, &out); err != nil {
		return nil, err
	}
	return &out.User, nil
}

// Login logs in with a national ID, e-mail or mobile and a password
// (POST /api/v1/auth/login). The client keeps the session token for every
// later call and for Connect.
func (c *Client) Login(ctx context.Context, login, password string) (*User, error) {
	var out struct {
		Token string `json:"token"`
		User  User   `json:"user"`
	}
	in := map[string]string{"login": login, "password": password}
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", nil, in, &out); err != nil {
		return nil, err
	}
	c.SetToken(out.Token)
	return &out.User, nil
}

// Logout ends the session (POST /api/v1/auth/logout); the server closes its
// live sockets. The client forgets the token.
func (c *Client) Logout(ctx context.Context) error {
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil, nil); err != nil {
		return err
	}
	c.SetToken("")
	return nil
}

// Me returns the logged-in user with roles and permissions (GET /api/v1/me).
func (c *Client) Me(ctx context.Context) (*User, error) {
	var out userAnswer
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/me", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.User, nil
}

// ProfileUpdate changes the caller's profile; nil fields are left as they are.
type ProfileUpdate struct {
	Name *string `json:"name,omitempty"`
	Lang *string `json:"lang,omitempty"`
}

// UpdateMe changes the caller's name or language (PATCH /api/v1/me).
func (c *Client) UpdateMe(ctx context.Context, p ProfileUpdate) (*User, error) {
	var out userAnswer
	if _, err := c.do(ctx, http.MethodPatch, "/api/v1/me", nil, p, &out); err != nil {
		return nil, err
	}
	return &out.User, nil
}

// ChangePassword changes the caller's password (POST /api/v1/me/password).
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	in := map[string]string{"current_password": current, "new_password": next}
	_, err := c.do(ctx, http.MethodPost, "/api/v1/me/password", nil, in, nil)
	return err
}
