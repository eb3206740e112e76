"""What finished work did to the numbers: the category -> metrics map and the impact job."""
