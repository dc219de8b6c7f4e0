"""nerdesk.training"""
