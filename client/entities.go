package client

import (
	"context"
	"net/http"
)

// EntityRequest creates an entity (platform admin).
type EntityRequest struct {
	NameAR     string `json:"name_ar"`
	NameEN     string `json:"name_en"`
	Sector     string `json:"sector"`                // government, private, nonprofit
	AssignRule string `json:"assign_rule,omitempty"` // round_robin or least_load
}

// EntityUpdate changes an entity; nil fields are left as they are.
type EntityUpdate struct {
	NameAR     *string   `json:"name_ar,omitempty"`
	NameEN     *string   `json:"name_en,omitempty"`
	AssignRule *string   `json:"assign_rule,omitempty"`
	Calendar   *Calendar `json:"calendar,omitempty"`
}

// CreateEntity creates an entity (POST /api/v1/entities).
func (c *Client) CreateEntity(ctx context.Context, req EntityRequest) (*Entity, error) {
	var out Entity
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/entities", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Entities lists every entity (GET /api/v1/entities; public).
func (c *Client) Entities(ctx context.Context) ([]Entity, error) {
	var out struct {
		Entities []Entity `json:"entities"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Entities, nil
}

// Entity returns one entity (GET /api/v1/entities/{id}).
func (c *Client) Entity(ctx context.Context, id string) (*Entity, error) {
	var out Entity
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities/"+pathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateEntity changes an entity's names, assignment rule or calendar
// (PATCH /api/v1/entities/{id}).
func (c *Client) UpdateEntity(ctx context.Context, id string, u EntityUpdate) (*Entity, error) {
	var out Entity
	if _, err := c.do(ctx, http.MethodPatch, "/api/v1/entities/"+pathEscape(id), nil, u, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DepartmentRequest creates a department.
type DepartmentRequest struct {
	NameAR string `json:"name_ar"`
	NameEN string `json:"name_en"`
}

// CreateDepartment creates a department of an entity
// (POST /api/v1/entities/{id}/departments).
func (c *Client) CreateDepartment(ctx context.Context, entityID string, req DepartmentRequest) (*Department, error) {
	var out Department
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/entities/"+pathEscape(entityID)+"/departments", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Departments lists an entity's departments (GET /api/v1/entities/{id}/departments).
func (c *Client) Departments(ctx context.Context, entityID string) ([]Department, error) {
	var out struct {
		Departments []Department `json:"departments"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities/"+pathEscape(entityID)+"/departments", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Departments, nil
}

// CaseTypeRequest creates a case type with its SLA hours per priority.
type CaseTypeRequest struct {
	NameAR       string   `json:"name_ar"`
	NameEN       string   `json:"name_en"`
	DepartmentID string   `json:"department_id"`
	SLAHours     SLAHours `json:"sla_hours"`
}

// CreateCaseType creates a case type (POST /api/v1/entities/{id}/case-types).
func (c *Client) CreateCaseType(ctx context.Context, entityID string, req CaseTypeRequest) (*CaseType, error) {
	var out CaseType
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/entities/"+pathEscape(entityID)+"/case-types", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CaseTypes lists an entity's case types (GET /api/v1/entities/{id}/case-types; public).
func (c *Client) CaseTypes(ctx context.Context, entityID string) ([]CaseType, error) {
	var out struct {
		CaseTypes []CaseType `json:"case_types"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities/"+pathEscape(entityID)+"/case-types", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.CaseTypes, nil
}

// EmployeeRequest creates a staff account. Without Password the server
// generates one and e-mails it (the account must change it first).
type EmployeeRequest struct {
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Mobile       string   `json:"mobile,omitempty"`
	NationalID   string   `json:"national_id,omitempty"`
	DepartmentID string   `json:"department_id,omitempty"` // required except for entity_admin
	Role         string   `json:"role"`                    // employee, supervisor, entity_admin
	Permissions  []string `json:"permissions,omitempty"`
	Password     string   `json:"password,omitempty"`
	Capacity     int      `json:"capacity,omitempty"`
	Lang         string   `json:"lang,omitempty"`
}

// CreateEmployee creates a staff account of an entity
// (POST /api/v1/entities/{id}/employees).
func (c *Client) CreateEmployee(ctx context.Context, entityID string, req EmployeeRequest) (*User, error) {
	var out userAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/entities/"+pathEscape(entityID)+"/employees", nil, req, &out); err != nil {
		return nil, err
	}
	return &out.User, nil
}

// Employees lists an entity's staff (GET /api/v1/entities/{id}/employees).
func (c *Client) Employees(ctx context.Context, entityID string) ([]User, error) {
	var out struct {
		Employees []User `json:"employees"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities/"+pathEscape(entityID)+"/employees", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Employees, nil
}

// SetPermissions grants and revokes permissions of a staff account
// (PUT /api/v1/entities/{id}/employees/{user_id}/permissions). The server
// re-checks that user's live subscriptions.
func (c *Client) SetPermissions(ctx context.Context, entityID, userID string, grant, revoke []string) (*User, error) {
	if grant == nil {
		grant = []string{}
	}
	if revoke == nil {
		revoke = []string{}
	}
	in := map[string][]string{"grant": grant, "revoke": revoke}
	var out userAnswer
	path := "/api/v1/entities/" + pathEscape(entityID) + "/employees/" + pathEscape(userID) + "/permissions"
	if _, err := c.do(ctx, http.MethodPut, path, nil, in, &out); err != nil {
		return nil, err
	}
	return &out.User, nil
}
