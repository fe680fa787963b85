package demo

import (
	"smartservice/internal/directory"
	"smartservice/internal/users"
)

// Password is the password of every demo account; it is printed at start.
const Password = "demo-office-2026"

// person is an employee of the demo office's directory; account says whether the
// demo creates their account (the others can try registration).
type person struct {
	emp     directory.Employee
	account bool
}

var people = []person{
	{directory.Employee{EmployeeID: "E-1001", Email: "elena.morozova@demo.office", FullName: "Елена Морозова", Position: "Администратор системы", Active: true, Roles: []string{"employee", "admin"}}, true},
	{directory.Employee{EmployeeID: "E-1002", Email: "sergey.volkov@demo.office", FullName: "Сергей Волков", Position: "Руководитель АХО", Active: true, Roles: []string{"employee", "head"}, Departments: []string{"office", "facilities", "cleaning"}}, true},
	{directory.Employee{EmployeeID: "E-1003", Email: "ivan.sidorov@demo.office", FullName: "Иван Сидоров", Position: "Инженер техподдержки", Active: true, Roles: []string{"employee", "executor"}, Departments: []string{"it"}}, true},
	{directory.Employee{EmployeeID: "E-1004", Email: "olga.smirnova@demo.office", FullName: "Ольга Смирнова", Position: "Офис-менеджер", Active: true, Roles: []string{"employee", "executor"}, Departments: []string{"office"}}, true},
	{directory.Employee{EmployeeID: "E-1005", Email: "pavel.kuznetsov@demo.office", FullName: "Павел Кузнецов", Position: "Техник", Active: true, Roles: []string{"employee", "executor"}, Departments: []string{"facilities"}}, true},
	{directory.Employee{EmployeeID: "E-1006", Email: "maria.ivanova@demo.office", FullName: "Мария Иванова", Position: "Специалист клининга", Active: true, Roles: []string{"employee", "executor"}, Departments: []string{"cleaning"}}, true},
	{directory.Employee{EmployeeID: "E-1007", Email: "anna.petrova@demo.office", FullName: "Анна Петрова", Position: "Бухгалтер", Active: true, Roles: []string{"employee"}}, true},
	{directory.Employee{EmployeeID: "E-1008", Email: "dmitry.orlov@demo.office", FullName: "Дмитрий Орлов", Position: "Аналитик", Active: true, Roles: []string{"employee"}}, false},
	{directory.Employee{EmployeeID: "E-0999", Email: "former.employee@demo.office", FullName: "Бывший Сотрудник", Position: "Менеджер", Active: false, Roles: []string{"employee"}}, false},
}

// Directory is the demo office's employee directory: everyone above, so a visitor
// can also try registration (dmitry.orlov) and a refusal (former.employee).
func Directory() *directory.FileDirectory {
	emps := make([]directory.Employee, len(people))
	for i, p := range people {
		emps[i] = p.emp
	}
	return directory.NewStatic(emps)
}

func accountInputs() []users.CreateInput {
	var out []users.CreateInput
	for _, p := range people {
		if !p.account {
			continue
		}
		roles := make([]users.Role, len(p.emp.Roles))
		for i, r := range p.emp.Roles {
			roles[i] = users.Role(r)
		}
		out = append(out, users.CreateInput{Email: p.emp.Email, FullName: p.emp.FullName, Roles: roles, DepartmentCodes: p.emp.Departments,
			Password: Password, EmployeeID: p.emp.EmployeeID, Position: p.emp.Position, Language: "ru"})
	}
	return out
}
