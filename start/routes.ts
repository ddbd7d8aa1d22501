/*
| Routes, one file per area.
*/
import '#start/routes/public'
import '#start/routes/auth'
import '#start/routes/merchant'
import '#start/routes/admin'
import '#start/routes/support'
import '#start/routes/api'
import '#start/routes/invoices'
