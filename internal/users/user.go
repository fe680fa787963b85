package users

import (
	"slices"
	"time"
)

// Role is what a person may do; a user holds one or more.
type Role string

// The roles of PRODUCT.md.
const (
	RoleEmployee Role = "employee"
	RoleExecutor Role = "executor"
	RoleHead     Role = "head"
	RoleAdmin    Role = "admin"
)

// Roles lists every role in display order.
var Roles = []Role{RoleEmployee, RoleExecutor, RoleHead, RoleAdmin}

// ParseRole returns the role named s, or false.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	return r, slices.Contains(Roles, r)
}

// User is an account.
type User struct {
	ID         int64
	Email      string
	FullName   string
	Position   string
	EmployeeID string
	Language   string
	// Active accounts may log in; deactivation kills sessions and tokens at once.
	Active bool
	// Available executors receive tickets; off during vacation or sick leave.
	Available   bool
	Roles       []Role
	Departments []Department
	// AuthEpoch changes when every session and login token must die.
	AuthEpoch   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastLoginAt *time.Time

	passwordHash string
}

// Has reports whether the user holds role.
func (u *User) Has(role Role) bool { return u != nil && slices.Contains(u.Roles, role) }

// IsAdmin reports whether the user administers the installation.
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// IsStaff reports whether the user works tickets (executor, head) or administers.
func (u *User) IsStaff() bool { return u.Has(RoleExecutor) || u.Has(RoleHead) || u.Has(RoleAdmin) }

// InDepartment reports whether the user belongs to the department.
func (u *User) InDepartment(id int64) bool {
	if u == nil {
		return false
	}
	for _, d := range u.Departments {
		if d.ID == id {
			return true
		}
	}
	return false
}

// DepartmentIDs lists the ids of the user's departments.
func (u *User) DepartmentIDs() []int64 {
	ids := make([]int64, len(u.Departments))
	for i, d := range u.Departments {
		ids[i] = d.ID
	}
	return ids
}
