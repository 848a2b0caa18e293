"""The page: each block kind's geometry (blocks) and every size and place on the page (page), decided from measurements."""
