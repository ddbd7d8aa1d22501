/*
| Routes, one file per area.
*/
import '#start/routes/site'
import '#start/routes/account'
import '#start/routes/merchant'
import '#start/routes/requests'
import '#start/routes/reports'
import '#start/routes/contact'
import '#start/routes/admin'
import '#start/routes/changes'
import '#start/routes/documents'
import '#start/routes/ingest'
import '#start/routes/demo'
import '#start/routes/privacy'
