package users

import "smartservice/internal/db"

func isUnique(err error) bool     { return err != nil && db.IsUniqueViolation(err) }
func isForeignKey(err error) bool { return err != nil && db.IsForeignKeyViolation(err) }
