package api

import (
	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// ruleView is one routing rule; a null column (and its null name) is "any".
type ruleView struct {
	ID             int64         `json:"id"`
	ServiceClassID *int64        `json:"service_class_id"`
	ServiceTypeID  *int64        `json:"service_type_id"`
	ProblemTypeID  *int64        `json:"problem_type_id"`
	DepartmentID   int64         `json:"department_id"`
	ServiceClass   *catalogueRef `json:"service_class"`
	ServiceType    *catalogueRef `json:"service_type"`
	ProblemType    *catalogueRef `json:"problem_type"`
	Department     departmentRef `json:"department"`
	CreatedAt      string        `json:"created_at"`
}

// catalogueRef is a class, type or problem type referred to by a rule.
type catalogueRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (a *API) ruleView(loc *i18n.Localizer, r tickets.Rule) ruleView {
	ref := func(id int64, en, ru string) (*int64, *catalogueRef) {
		if id == 0 {
			return nil, nil
		}
		return &id, &catalogueRef{ID: id, Name: loc.Name(en, ru)}
	}
	v := ruleView{ID: r.ID, DepartmentID: r.DepartmentID, CreatedAt: a.timestamp(r.CreatedAt),
		Department: departmentRef{ID: r.DepartmentID, Name: loc.Name(r.Department.EN, r.Department.RU)}}
	v.ServiceClassID, v.ServiceClass = ref(r.ClassID, r.Class.EN, r.Class.RU)
	v.ServiceTypeID, v.ServiceType = ref(r.TypeID, r.Type.EN, r.Type.RU)
	v.ProblemTypeID, v.ProblemType = ref(r.ProblemID, r.Problem.EN, r.Problem.RU)
	return v
}

// ruleFields maps the domain's field names to the API's.
var ruleFields = map[string]string{"class_id": "service_class_id", "type_id": "service_type_id", "problem_id": "problem_type_id"}

// ruleInput is a rule as written: null (or absent) is "any" for the first three.
type ruleInput struct {
	ServiceClassID *int64 `json:"service_class_id"`
	ServiceTypeID  *int64 `json:"service_type_id"`
	ProblemTypeID  *int64 `json:"problem_type_id"`
	DepartmentID   *int64 `json:"department_id"`
}

func (in ruleInput) domain() tickets.RuleInput {
	v := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		if *p == 0 { // 0 is not "any" here: only null is
			return -1
		}
		return *p
	}
	out := tickets.RuleInput{ClassID: v(in.ServiceClassID), TypeID: v(in.ServiceTypeID), ProblemID: v(in.ProblemTypeID)}
	if in.DepartmentID != nil {
		out.DepartmentID = *in.DepartmentID
	}
	return out
}
